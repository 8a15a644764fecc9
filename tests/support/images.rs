//! Files as people upload them: a phone photo that says where it was taken, a PNG, a PDF, a PNG
//! that claims to be enormous; and ways to look inside the JPEGs the marketplace publishes.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};

const SOI: [u8; 2] = [0xFF, 0xD8];
const APP1: u8 = 0xE1;
const SOS: u8 = 0xDA;

/// A JPEG photo (a gradient) with an EXIF APP1 segment right after SOI whose GPS IFD places it in
/// Cairo (30° 2′ 40″ N, 31° 14′ 8.5″ E), as a phone writes it.
pub fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&gradient(width, height)).expect("a JPEG");
    let exif = gps_exif();
    let length = u16::try_from(exif.len() + 2).expect("a short EXIF block").to_be_bytes();
    [&SOI[..], &[0xFF, APP1], &length, &exif, &plain[SOI.len()..]].concat()
}

/// A WebP photo (lossless, as the `image` crate encodes it), as Android phones often share them.
pub fn webp(width: u32, height: u32) -> Vec<u8> {
    let mut webp = Vec::new();
    gradient(width, height).write_to(&mut std::io::Cursor::new(&mut webp), ImageFormat::WebP).expect("a WebP");
    webp
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    gradient(width, height).write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png).expect("a PNG");
    png
}

/// A valid 68-byte PNG whose header declares 50,000 × 50,000 RGB pixels (7.5 GB decoded): the
/// decompression bomb an upload check must refuse before allocating anything.
pub fn bomb_png() -> Vec<u8> {
    let mut header = Vec::new();
    header.extend(50_000u32.to_be_bytes());
    header.extend(50_000u32.to_be_bytes());
    // 8 bits a sample, RGB, deflate, adaptive filtering, no interlace.
    header.extend([8, 2, 0, 0, 0]);
    // zlib of eight zero bytes: far fewer than the rows declared, which no check should reach.
    let data = [0x78, 0x9c, 0x63, 0x60, 0x80, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01];
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(b"IHDR", &header[..]), (b"IDAT", &data[..]), (b"IEND", &[][..])] {
        png.extend(u32::try_from(body.len()).expect("a short chunk").to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(body);
        let crc = crc32(&png[start..]);
        png.extend(crc.to_be_bytes());
    }
    png
}

/// A minimal valid PDF: one empty A4 page, with a cross-reference table whose offsets are right.
pub fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (number, object) in (1..).zip(objects) {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{number} 0 obj\n{object}\nendobj\n"));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    pdf.into_bytes()
}

/// Whether the JPEG holds an EXIF block: an APP1 segment starting `Exif\0\0` among the segments
/// before its image data (pixels that happen to spell it do not count).
pub fn has_exif(bytes: &[u8]) -> bool {
    segments(bytes).any(|(marker, body)| marker == APP1 && body.starts_with(b"Exif\0\0"))
}

/// Width and height of a JPEG, from its frame header.
pub fn jpeg_dimensions(bytes: &[u8]) -> (u32, u32) {
    let is_frame = |m: u8| matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC);
    let (_, frame) = segments(bytes).find(|(marker, _)| is_frame(*marker)).expect("a JPEG frame header");
    let side = |at: usize| u32::from(u16::from_be_bytes([frame[at], frame[at + 1]]));
    (side(3), side(1))
}

/// The marker segments of a JPEG up to its first scan, each as (marker, body without length).
fn segments(bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    assert!(bytes.starts_with(&SOI), "not a JPEG");
    let mut at = SOI.len();
    std::iter::from_fn(move || {
        // Markers may be padded with any number of 0xFF bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let &[0xFF, marker, high, low] = bytes.get(at..at + 4)? else {
            return None;
        };
        if marker == SOS {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([high, low]));
        let body = bytes.get(at + 4..at + 2 + length)?;
        at += 2 + length;
        Some((marker, body))
    })
}

/// Smooth colour, so that the JPEG compresses like a photo rather than like noise.
fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width.max(1)) as u8, (y * 255 / height.max(1)) as u8, ((x + y) % 256) as u8])
    })
}

/// A little-endian TIFF block, as EXIF carries it: IFD0 with one entry, the GPS IFD pointer, and
/// the GPS IFD with the hemisphere and the degrees, minutes and seconds of both coordinates.
fn gps_exif() -> Vec<u8> {
    const ASCII: u16 = 2;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    const GPS_IFD: u32 = 8 + 2 + 12 + 4;
    // Header, then IFD0 at offset 8 and the GPS IFD (four entries) right after it; the rationals
    // follow the GPS IFD.
    let rationals_at = GPS_IFD + 2 + 4 * 12 + 4;
    let mut tiff = b"II\x2a\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        tiff.extend(value);
    };
    tiff.extend(1u16.to_le_bytes());
    entry(&mut tiff, 0x8825, LONG, 1, GPS_IFD.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(4u16.to_le_bytes());
    entry(&mut tiff, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, RATIONAL, 3, rationals_at.to_le_bytes());
    entry(&mut tiff, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut tiff, 0x0004, RATIONAL, 3, (rationals_at + 24).to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(30u32, 1u32), (2, 1), (40, 1), (31, 1), (14, 1), (85, 10)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    [&b"Exif\0\0"[..], &tiff].concat()
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |crc, _| if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 })
    })
}

#[cfg(test)]
mod tests {
    use shared::media::MediaType;

    use super::*;

    #[test]
    fn the_photo_carries_gps_and_decodes() {
        let photo = jpeg_with_gps(640, 480);
        assert!(has_exif(&photo));
        assert_eq!(jpeg_dimensions(&photo), (640, 480));
        let decoded = image::load_from_memory_with_format(&photo, ImageFormat::Jpeg).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (640, 480));
        let exif = image::ImageDecoder::exif_metadata(
            &mut image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&photo)).unwrap(),
        )
        .unwrap()
        .expect("an EXIF block");
        assert!(exif.starts_with(b"II\x2a\0"));
    }

    #[test]
    fn a_plain_jpeg_has_no_exif_even_if_its_pixels_spell_it() {
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&gradient(16, 16)).unwrap();
        assert!(!has_exif(&plain));
        plain.extend(b"Exif\0\0");
        assert!(!has_exif(&plain));
    }

    #[test]
    fn the_other_files_are_what_they_claim() {
        assert_eq!(MediaType::sniff(&png(30, 20)), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(&pdf()), Some(MediaType::Pdf));
        let bomb = bomb_png();
        assert_eq!(bomb.len(), 68);
        let reader = image::ImageReader::with_format(std::io::Cursor::new(&bomb), ImageFormat::Png);
        assert_eq!(reader.into_dimensions().unwrap(), (50_000, 50_000));
    }
}
