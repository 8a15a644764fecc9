//! A small file declaring a huge image is refused from its header, before the decoder allocates
//! its pixels: the heap of the process, counted by an allocator that keeps its high-water mark,
//! grows by less than a mebibyte while it is refused, where decoding would need gigabytes.
//! (Its own test binary, each test whole under one lock: the allocator counts every thread, so
//! another test building its image while one is measured would be counted in it.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use shared::media::{MediaType, Rejection, render, verify_image};

struct HighWaterMark;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for HighWaterMark {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let allocated = unsafe { System.alloc(layout) };
        if !allocated.is_null() {
            grew(layout.size());
        }
        allocated
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: HighWaterMark = HighWaterMark;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Held for a test's whole body, its setup included, so no other test allocates meanwhile.
fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Heap bytes `f` held at most beyond what was in use before it (call it under `alone`).
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = IN_USE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let result = f();
    (result, PEAK.load(Ordering::SeqCst) - before)
}

/// PNG: signature, IHDR 50,000 × 50,000 RGB (7.5 GB of pixels), an IDAT of eight zero bytes, IEND.
const PNG_BOMB: [u8; 68] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, //
    0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0xc3, 0x50, 0x00, 0x00, 0xc3, 0x50, //
    0x08, 0x02, 0x00, 0x00, 0x00, 0xc4, 0xcd, 0xaa, 0x9d, //
    0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x80, 0x00, 0x00, 0x00, //
    0x08, 0x00, 0x01, 0xb7, 0x58, 0x73, 0x95, //
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A real 16 × 16 JPEG whose frame header is made to declare `width` × `height`.
fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::RgbImage::from_pixel(16, 16, image::Rgb([200, 30, 30]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("a JPEG");
    // SOF0: marker, length (2), precision (1), height (2), width (2).
    let frame = jpeg
        .windows(5)
        .position(|w| w == [0xff, 0xc0, 0x00, 0x11, 0x08])
        .expect("a baseline frame header of three components");
    jpeg[frame + 5..frame + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[frame + 7..frame + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// Far below the smallest image the decoders would allocate for either bomb.
const HEADER_ONLY: usize = 1 << 20;

#[test]
fn images_declaring_billions_of_pixels_are_refused_before_their_pixels_are_allocated() {
    let _alone = alone();
    let jpeg_bomb = jpeg_declaring(60_000, 60_000);
    let bombs =
        [(&PNG_BOMB[..], MediaType::Png, (50_000, 50_000)), (&jpeg_bomb[..], MediaType::Jpeg, (60_000, 60_000))];
    for (bytes, declared, (width, height)) in bombs {
        let refused = Err(Rejection::TooManyPixels { width, height });
        let (rendered, held) = peak_growth(|| render(bytes, declared));
        assert_eq!(rendered.map(|r| r.len()), refused, "{declared:?}");
        assert!(held < HEADER_ONLY, "{declared:?}: render held {held} bytes at once");
        let (verified, held) = peak_growth(|| verify_image(bytes, declared));
        assert_eq!(verified, refused.map(drop), "{declared:?}");
        assert!(held < HEADER_ONLY, "{declared:?}: verify_image held {held} bytes at once");
    }
}

#[test]
fn the_counter_sees_a_real_decode() {
    let _alone = alone();
    // The measure itself: decoding a 1,000 × 1,000 photo holds at least its 3 MB of pixels.
    let mut photo = Vec::new();
    image::RgbImage::from_pixel(1_000, 1_000, image::Rgb([10, 120, 200]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Jpeg)
        .expect("a JPEG");
    let (verified, held) = peak_growth(|| verify_image(&photo, MediaType::Jpeg));
    assert_eq!(verified, Ok(()));
    assert!(held >= 3_000_000, "a decode held only {held} bytes");
}
