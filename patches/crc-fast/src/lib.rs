//! The CRCs of S3's checksums behind the API of `crc-fast` that `aws-smithy-checksums` calls.
//!
//! Parameters from the CRC catalogue (reveng): all three are reflected, start from all ones and
//! end XORed with all ones. CRC-32 goes to `crc32fast`, which uses the CPU's carry-less multiply
//! where there is one; the other two are table-driven a byte at a time, ample for the objects of
//! at most a few megabytes the market's functions move, and S3 asks for them only when a client
//! chooses them.

use std::fmt;

/// The checksums S3 supports that are CRCs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrcAlgorithm {
    /// CRC-32 as zlib, Ethernet and S3's `CRC32` compute it.
    Crc32IsoHdlc,
    /// CRC-32C (Castagnoli), S3's `CRC32C`.
    Crc32Iscsi,
    /// CRC-64/NVME, S3's `CRC64NVME` (its default for new objects).
    Crc64Nvme,
}

/// A running checksum.
#[derive(Clone)]
pub struct Digest {
    algorithm: CrcAlgorithm,
    state: State,
}

#[derive(Clone)]
enum State {
    Crc32(crc32fast::Hasher),
    Table { crc: u64, table: &'static Table, mask: u64 },
}

impl Digest {
    pub fn new(algorithm: CrcAlgorithm) -> Self {
        let state = match algorithm {
            CrcAlgorithm::Crc32IsoHdlc => State::Crc32(crc32fast::Hasher::new()),
            CrcAlgorithm::Crc32Iscsi => State::table(&CRC32_ISCSI, u64::from(u32::MAX)),
            CrcAlgorithm::Crc64Nvme => State::table(&CRC64_NVME, u64::MAX),
        };
        Self { algorithm, state }
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc32(hasher) => hasher.update(data),
            State::Table { crc, table, .. } => *crc = table.update(*crc, data),
        }
    }

    /// The checksum of everything given so far (a 32-bit CRC in the low half).
    pub fn finalize(&self) -> u64 {
        match &self.state {
            State::Crc32(hasher) => u64::from(hasher.clone().finalize()),
            State::Table { crc, mask, .. } => crc ^ mask,
        }
    }
}

impl State {
    fn table(table: &'static Table, mask: u64) -> Self {
        State::Table { crc: mask, table, mask }
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest").field("algorithm", &self.algorithm).field("checksum", &self.finalize()).finish()
    }
}

/// The checksum of `data`.
pub fn checksum(algorithm: CrcAlgorithm, data: &[u8]) -> u64 {
    let mut digest = Digest::new(algorithm);
    digest.update(data);
    digest.finalize()
}

/// The remainder of each byte for a reflected CRC, whose register shifts right.
struct Table([u64; 256]);

/// Polynomials bit-reversed, as a reflected CRC uses them: 0x1EDC6F41 and 0xAD93D23594C93659.
static CRC32_ISCSI: Table = Table::reflected(0x82F6_3B78);
static CRC64_NVME: Table = Table::reflected(0x9A6C_9329_AC4B_C9B5);

impl Table {
    const fn reflected(polynomial: u64) -> Self {
        let mut table = [0u64; 256];
        let mut byte = 0;
        while byte < 256 {
            let mut remainder = byte as u64;
            let mut bit = 0;
            while bit < 8 {
                remainder = if remainder & 1 == 1 { (remainder >> 1) ^ polynomial } else { remainder >> 1 };
                bit += 1;
            }
            table[byte] = remainder;
            byte += 1;
        }
        Table(table)
    }

    fn update(&self, mut crc: u64, data: &[u8]) -> u64 {
        for &byte in data {
            crc = self.0[((crc ^ u64::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
        }
        crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [CrcAlgorithm; 3] = [CrcAlgorithm::Crc32IsoHdlc, CrcAlgorithm::Crc32Iscsi, CrcAlgorithm::Crc64Nvme];

    /// The catalogue's check value of each: the CRC of the ASCII digits 1 to 9.
    #[test]
    fn each_crc_gives_the_catalogues_check_value() {
        assert_eq!(checksum(CrcAlgorithm::Crc32IsoHdlc, b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum(CrcAlgorithm::Crc32Iscsi, b"123456789"), 0xE306_9283);
        assert_eq!(checksum(CrcAlgorithm::Crc64Nvme, b"123456789"), 0xAE8B_1486_0A79_9888);
    }

    #[test]
    fn the_crc_of_nothing_is_zero() {
        for algorithm in ALL {
            assert_eq!(checksum(algorithm, b""), 0, "{algorithm:?}");
        }
    }

    /// Bit by bit from the polynomial, the definition itself.
    fn bitwise(polynomial: u64, mask: u64, data: &[u8]) -> u64 {
        let mut crc = mask;
        for &byte in data {
            crc ^= u64::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ polynomial } else { crc >> 1 };
            }
        }
        crc ^ mask
    }

    fn bytes(len: usize) -> Vec<u8> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn every_crc_matches_its_bitwise_definition_at_every_length_and_split() {
        let cases = [
            (CrcAlgorithm::Crc32IsoHdlc, 0xEDB8_8320, u64::from(u32::MAX)),
            (CrcAlgorithm::Crc32Iscsi, 0x82F6_3B78, u64::from(u32::MAX)),
            (CrcAlgorithm::Crc64Nvme, 0x9A6C_9329_AC4B_C9B5, u64::MAX),
        ];
        let data = bytes(300);
        for (algorithm, polynomial, mask) in cases {
            for len in [0, 1, 7, 8, 15, 16, 17, 63, 64, 65, 128, 255, 300] {
                let expected = bitwise(polynomial, mask, &data[..len]);
                assert_eq!(checksum(algorithm, &data[..len]), expected, "{algorithm:?} over {len} bytes");
                for split in [0, 1, len / 3, len / 2, len] {
                    let mut digest = Digest::new(algorithm);
                    digest.update(&data[..split.min(len)]);
                    digest.update(&data[split.min(len)..len]);
                    assert_eq!(digest.finalize(), expected, "{algorithm:?} over {len} bytes split at {split}");
                }
            }
        }
    }

    #[test]
    fn finalizing_does_not_end_the_digest() {
        for algorithm in ALL {
            let mut digest = Digest::new(algorithm);
            digest.update(b"12345");
            let _ = digest.finalize();
            digest.update(b"6789");
            assert_eq!(digest.finalize(), checksum(algorithm, b"123456789"), "{algorithm:?}");
        }
    }
}
