//! What the upload check costs for a 12-megapixel phone photo: `shared::media::render` (decode,
//! turn upright, three renditions) run N times, and `verify_image` (the check of a document that
//! is an image) once.
//!
//! The photo is made in memory and nothing is written: a 4,000 × 3,000 JPEG at quality 90, a
//! smooth gradient with noise so that it compresses about as a camera's photo does, with an EXIF
//! block holding a GPS position as a phone writes it.
//!
//! ```text
//! render_photo [--runs N]
//! ```
//!
//! Prints one JSON line per run, then a summary line: median and p95 wall time, the process's
//! peak RSS (`getrusage`), and the size of the source.

use std::process::ExitCode;
use std::time::Instant;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use serde_json::json;
use shared::media::{MediaType, render, verify_image};

const WIDTH: u32 = 4_000;
const HEIGHT: u32 = 3_000;

/// Big-endian EXIF: IFD0 with only the GPS IFD pointer, and a GPS IFD with the latitude's
/// hemisphere and its three rationals (30° 2′ 40″, Cairo). What a render pays for it is reading
/// it for the orientation; the renditions must not carry it.
const GPS_EXIF: &[u8] = b"Exif\0\0MM\0\x2a\0\0\0\x08\
    \0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a\0\0\0\0\
    \0\x02\0\x01\0\x02\0\0\0\x02N\0\0\0\0\x02\0\x05\0\0\0\x03\0\0\0\x38\0\0\0\0\
    \0\0\0\x1e\0\0\0\x01\0\0\0\x02\0\0\0\x01\0\0\0\x28\0\0\0\x01";

fn main() -> ExitCode {
    let runs = match parse_runs() {
        Ok(runs) => runs,
        Err(message) => {
            eprintln!("{message}\nusage: render_photo [--runs N]");
            return ExitCode::from(2);
        }
    };
    let photo = photo();
    let baseline_rss = peak_rss_mib();

    let started = Instant::now();
    let verified = verify_image(&photo, MediaType::Jpeg);
    let verify_ms = millis(started);
    if let Err(rejection) = verified {
        eprintln!("the photo was refused: {rejection}");
        return ExitCode::FAILURE;
    }
    let verify_rss = peak_rss_mib();
    println!("{}", json!({ "verify_image_ms": round(verify_ms), "peak_rss_mib": round(verify_rss) }));

    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        let started = Instant::now();
        let renditions = match render(&photo, MediaType::Jpeg) {
            Ok(renditions) => renditions,
            Err(rejection) => {
                eprintln!("the photo was refused: {rejection}");
                return ExitCode::FAILURE;
            }
        };
        let ms = millis(started);
        times.push(ms);
        let sizes: Vec<_> = renditions
            .iter()
            .map(|r| json!({ "width": r.width, "pixels": [r.pixel_width, r.pixel_height], "bytes": r.jpeg.len() }))
            .collect();
        println!("{}", json!({ "run": run, "render_ms": round(ms), "renditions": sizes }));
    }

    times.sort_by(f64::total_cmp);
    let percentile = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "{}",
        json!({
            "runs": runs,
            "render_median_ms": round(percentile(0.5)),
            "render_p95_ms": round(percentile(0.95)),
            "verify_image_ms": round(verify_ms),
            "peak_rss_mib": round(peak_rss_mib()),
            "peak_rss_after_verify_mib": round(verify_rss),
            "peak_rss_before_mib": round(baseline_rss),
            "source_bytes": photo.len(),
            "source_pixels": [WIDTH, HEIGHT],
        })
    );
    ExitCode::SUCCESS
}

fn parse_runs() -> Result<usize, String> {
    let mut args = std::env::args().skip(1);
    let mut runs = 10;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args.next().ok_or("--runs needs a value")?.parse().map_err(|e| format!("--runs: {e}"))?
            }
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    if runs == 0 { Err("--runs must be at least 1".into()) } else { Ok(runs) }
}

/// The photo, made once: light from one corner, a colour cast across, and noise of a few levels
/// a pixel (a sensor's), which is what makes a photo's JPEG several megabytes.
fn photo() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut noise = move || {
        // xorshift64: any fixed sequence of noise will do, and the photo is the same every run.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        i32::from((state >> 56) as u8 % 21) - 10
    };
    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let light = (x + y) * 200 / (WIDTH + HEIGHT);
        let mut channel = |base: u32| (base as i32 + noise()).clamp(0, 255) as u8;
        Rgb([channel(40 + light), channel(30 + y * 150 / HEIGHT), channel(60 + x * 120 / WIDTH)])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90).encode_image(&image).expect("a JPEG");
    let length = u16::try_from(GPS_EXIF.len() + 2).expect("a short EXIF block").to_be_bytes();
    [&plain[..2], &[0xFF, 0xE1], &length, GPS_EXIF, &plain[2..]].concat()
}

fn millis(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1_000.0
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The most memory this process has held at once (`ru_maxrss`, KiB on Linux), in MiB.
fn peak_rss_mib() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    usage.ru_maxrss as f64 / 1024.0
}
