//! Compresses the password guesser's word list (`src/accounts/guesses/common_words.txt`, kept as
//! text so that changes to it can be read) into `OUT_DIR`, so that binaries carry a third of it.

use std::path::Path;

fn main() {
    let source = "src/accounts/guesses/common_words.txt";
    println!("cargo::rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).expect("the word list is readable");
    let words: String = text.lines().filter(|line| !line.starts_with('#')).flat_map(|line| [line, "\n"]).collect();
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(words.as_bytes(), 10);
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("common_words.zlib");
    std::fs::write(out, compressed).expect("OUT_DIR is writable");
}
