//! What an uploaded image becomes: decoded under limits, turned upright, and re-encoded into the
//! JPEG renditions the marketplace publishes.
//!
//! The renditions are new files, not edited copies: the encoder writes the pixels and nothing
//! else, so the EXIF of a phone photo (GPS coordinates of a seller's home among it) never reaches
//! the public media domain.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use super::upload::RENDITION_WIDTHS;
use super::{MediaType, Rejection};

/// The longest side accepted, in pixels: larger than any phone photo, small enough that a decode
/// fits a small function's memory.
pub const MAX_SIDE: u32 = 8_000;

const JPEG_QUALITY: u8 = 82;

/// The most a decode may allocate: an 8,000 × 8,000 RGBA image and room for the decoders' own
/// tables. Anything asking for more is refused by the decoder itself, should the check of the
/// sides ever be bypassed.
const MAX_ALLOC: u64 = MAX_SIDE as u64 * MAX_SIDE as u64 * 4 + (16 << 20);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    /// The nominal width (one of [`RENDITION_WIDTHS`]), which names the rendition even when the
    /// image is narrower.
    pub width: u32,
    pub pixel_width: u32,
    pub pixel_height: u32,
    pub jpeg: Vec<u8>,
}

/// One rendition per nominal width, in the order of [`RENDITION_WIDTHS`].
pub fn render(bytes: &[u8], declared: MediaType) -> Result<Vec<Rendition>, Rejection> {
    let image = flatten_on_white(decode(bytes, declared)?);
    let (width, height) = image.dimensions();
    let mut renditions = Vec::with_capacity(RENDITION_WIDTHS.len());
    // Largest first, each reduced from the one before, so only the first step reads the
    // full-size original (dropped after it).
    let mut current = reduced_by_whole_factor(image, RENDITION_WIDTHS[RENDITION_WIDTHS.len() - 1]);
    for &nominal in RENDITION_WIDTHS.iter().rev() {
        let (pixel_width, pixel_height) = fitted(width, height, nominal);
        if current.dimensions() != (pixel_width, pixel_height) {
            current = imageops::resize(&current, pixel_width, pixel_height, FilterType::Triangle);
        }
        renditions.push(Rendition { width: nominal, pixel_width, pixel_height, jpeg: encode(&current) });
    }
    renditions.reverse();
    Ok(renditions)
}

/// Checks that an image decodes within the limits, keeping nothing: for documents, which are
/// stored as sent and shown only to their owner and admins. `declared` is an image type: a PDF
/// gives `Undecodable`, as it does to [`render`].
pub fn verify_image(bytes: &[u8], declared: MediaType) -> Result<(), Rejection> {
    decode(bytes, declared).map(drop)
}

/// The pixels of `bytes`, upright. The sides are read from the header and checked before a pixel
/// buffer exists, so that a small file declaring a huge image costs nothing.
fn decode(bytes: &[u8], declared: MediaType) -> Result<DynamicImage, Rejection> {
    let format = match declared {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Webp => ImageFormat::WebP,
        MediaType::Pdf => return Err(Rejection::Undecodable),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The sides stay unlimited here so that an image too large is reported with its size.
    reader.limits(limits(None));
    let mut decoder = reader.into_decoder().map_err(|_| Rejection::Undecodable)?;
    let (width, height) = decoder.dimensions();
    let too_large = || Rejection::TooManyPixels { width, height };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(too_large());
    }
    let mut limits = limits(Some(MAX_SIDE));
    limits.reserve(decoder.total_bytes()).map_err(|_| too_large())?;
    decoder.set_limits(limits).map_err(|_| too_large())?;
    // Unreadable metadata is no reason to refuse a photo: it is then published as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_large(),
        _ => Rejection::Undecodable,
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn limits(max_side: Option<u32>) -> Limits {
    let mut limits = Limits::no_limits();
    limits.max_image_width = max_side;
    limits.max_image_height = max_side;
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// The image reduced by the largest whole factor that keeps it at least `width` wide, each pixel
/// the mean of a square of the original's: exact at a whole factor, and done in integers, it takes
/// a 12-megapixel photo to 3 megapixels in a fraction of what a filtered resize of the original
/// costs, leaving the filter a small reduction (BENCHMARKS.md, section 9).
fn reduced_by_whole_factor(image: RgbImage, width: u32) -> RgbImage {
    let factor = image.width() / width;
    if factor < 2 {
        return image;
    }
    imageops::thumbnail(&image, image.width() / factor, (image.height() / factor).max(1))
}

/// The size of the rendition of nominal width `nominal`: the aspect ratio kept, never enlarged.
fn fitted(width: u32, height: u32, nominal: u32) -> (u32, u32) {
    if width <= nominal {
        return (width, height);
    }
    let scaled = (u64::from(height) * u64::from(nominal) + u64::from(width) / 2) / u64::from(width);
    (nominal, u32::try_from(scaled).unwrap_or(u32::MAX).max(1))
}

/// RGB for JPEG, transparent pixels laid on white (the pages' background) before resizing, so no
/// dark fringe of hidden colours bleeds in. Done in the decoded buffer itself: an RGBA image of
/// the largest size is 256 MB, and an RGB copy beside it would add 192 MB more.
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut buffer = rgba.into_raw();
    let pixels = buffer.len() / 4;
    for i in 0..pixels {
        let [r, g, b, a] = [buffer[4 * i], buffer[4 * i + 1], buffer[4 * i + 2], buffer[4 * i + 3]];
        let alpha = u32::from(a);
        let over_white = |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        // Pixel i is written at 3i, which only overwrites pixels already read.
        buffer[3 * i..3 * i + 3].copy_from_slice(&[over_white(r), over_white(g), over_white(b)]);
    }
    buffer.truncate(pixels * 3);
    RgbImage::from_raw(width, height, buffer).expect("three bytes a pixel")
}

/// Baseline JPEG, pixels only: the encoder writes no EXIF, XMP or ICC segment unless given one.
fn encode(image: &RgbImage) -> Vec<u8> {
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(image)
        .expect("an RGB image of at most MAX_SIDE a side encodes into memory");
    jpeg
}

#[cfg(test)]
mod tests {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

    use super::{MediaType, Rejection, Rendition, render, verify_image};

    /// A big-endian EXIF block: IFD0 with the orientation and a pointer to a GPS IFD holding
    /// GPSLatitudeRef "N" and GPSLatitude 30° 2′ 0″ (three rationals at offset 68).
    fn exif(orientation: u8) -> Vec<u8> {
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x02".to_vec();
        exif.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
        exif.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
        exif.extend([0, 0, 0, 0, 0, 2]);
        exif.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        exif.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
        exif.extend([0, 0, 0, 0]);
        for degrees_minutes_seconds in [30u8, 2, 0] {
            exif.extend([0, 0, 0, degrees_minutes_seconds, 0, 0, 0, 1]);
        }
        exif
    }

    /// A JPEG of a horizontal gradient, with `exif` as an APP1 segment right after SOI.
    fn photo(width: u32, height: u32, exif: &[u8]) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| Rgb([(x * 255 / width) as u8, 90, 160]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&image).unwrap();
        let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
        [&plain[..2], &[0xFF, 0xE1, length[0], length[1]], exif, &plain[2..]].concat()
    }

    fn has_exif(jpeg: &[u8]) -> bool {
        jpeg.windows(6).any(|w| w == b"Exif\0\0")
    }

    fn sizes(renditions: &[Rendition]) -> Vec<(u32, u32, u32)> {
        renditions.iter().map(|r| (r.width, r.pixel_width, r.pixel_height)).collect()
    }

    fn decoded(rendition: &Rendition) -> image::DynamicImage {
        image::load_from_memory_with_format(&rendition.jpeg, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn a_photo_with_gps_becomes_three_renditions_without_metadata() {
        let source = photo(2_000, 250, &exif(1));
        assert!(has_exif(&source));
        let renditions = render(&source, MediaType::Jpeg).unwrap();
        assert_eq!(sizes(&renditions), [(320, 320, 40), (800, 800, 100), (1_600, 1_600, 200)]);
        for rendition in &renditions {
            assert!(!has_exif(&rendition.jpeg), "rendition {} keeps EXIF", rendition.width);
            let image = decoded(rendition);
            assert_eq!((image.width(), image.height()), (rendition.pixel_width, rendition.pixel_height));
        }
    }

    #[test]
    fn a_narrow_image_is_not_enlarged() {
        let renditions = render(&photo(200, 100, &[]), MediaType::Jpeg).unwrap();
        assert_eq!(sizes(&renditions), [(320, 200, 100), (800, 200, 100), (1_600, 200, 100)]);
    }

    #[test]
    fn an_image_reduced_in_two_steps_keeps_its_proportions_and_picture() {
        // 3,300 wide: first halved by averaging, then filtered down to 1,600.
        let renditions = render(&photo(3_300, 40, &[]), MediaType::Jpeg).unwrap();
        assert_eq!(sizes(&renditions), [(320, 320, 4), (800, 800, 10), (1_600, 1_600, 19)]);
        let largest = decoded(&renditions[2]).to_rgb8();
        assert!(largest.get_pixel(20, 9)[0] < 30 && largest.get_pixel(1_580, 9)[0] > 225);
    }

    #[test]
    fn a_photo_taken_turned_stands_upright() {
        // Orientation 6: the stored pixels must be turned 90° clockwise to be seen upright.
        let renditions = render(&photo(40, 20, &exif(6)), MediaType::Jpeg).unwrap();
        assert_eq!(sizes(&renditions)[0], (320, 20, 40));
        // The gradient ran dark to light from left to right; turned clockwise, it runs top to bottom.
        let upright = decoded(&renditions[0]).to_rgb8();
        assert!(upright.get_pixel(10, 2)[0] < 60 && upright.get_pixel(10, 37)[0] > 190);
    }

    #[test]
    fn transparency_is_laid_on_white() {
        let image = RgbaImage::from_fn(10, 10, |x, _| if x < 5 { Rgba([0, 0, 0, 0]) } else { Rgba([0, 0, 255, 255]) });
        let mut png = Vec::new();
        image.write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png).unwrap();
        let flat = decoded(&render(&png, MediaType::Png).unwrap()[0]).to_rgb8();
        let [r, g, b] = flat.get_pixel(1, 5).0;
        assert!(r > 245 && g > 245 && b > 245, "{:?}", flat.get_pixel(1, 5));
        assert!(flat.get_pixel(8, 5)[2] > 230 && flat.get_pixel(8, 5)[0] < 30);
    }

    #[test]
    fn garbage_after_a_jpeg_start_is_undecodable() {
        let garbage = [&[0xFF, 0xD8, 0xFF][..], &[0x5A; 200]].concat();
        assert_eq!(render(&garbage, MediaType::Jpeg), Err(Rejection::Undecodable));
        assert_eq!(verify_image(&garbage, MediaType::Jpeg), Err(Rejection::Undecodable));
    }

    #[test]
    fn a_document_passes_verification_and_a_pdf_is_no_image() {
        assert_eq!(verify_image(&photo(64, 48, &exif(1)), MediaType::Jpeg), Ok(()));
        assert_eq!(verify_image(b"%PDF-1.4\n%%EOF\n", MediaType::Pdf), Err(Rejection::Undecodable));
    }
}
