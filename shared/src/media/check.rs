//! The checks every upload passes before anything reads it further: it has the size that was
//! signed into its upload URL, and its bytes are the type it was declared as (a client's word for
//! the type decides which decoder runs next, so it is not taken on trust).

use super::{MediaType, Rejection};

pub fn check_bytes(declared: MediaType, declared_size: u64, bytes: &[u8]) -> Result<(), Rejection> {
    let received = bytes.len() as u64;
    if received != declared_size {
        return Err(Rejection::SizeMismatch { declared: declared_size, received });
    }
    match MediaType::sniff(bytes) {
        Some(found) if found == declared => Ok(()),
        found => Err(Rejection::TypeMismatch { declared, found }),
    }
}

#[cfg(test)]
mod tests {
    use super::{MediaType, Rejection, check_bytes};

    const PNG_HEAD: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

    fn check(declared: MediaType, bytes: &[u8]) -> Result<(), Rejection> {
        check_bytes(declared, bytes.len() as u64, bytes)
    }

    #[test]
    fn a_png_declared_as_jpeg_is_refused_naming_what_it_is() {
        assert_eq!(
            check(MediaType::Jpeg, PNG_HEAD),
            Err(Rejection::TypeMismatch { declared: MediaType::Jpeg, found: Some(MediaType::Png) })
        );
    }

    #[test]
    fn text_declared_as_png_is_refused() {
        assert_eq!(
            check(MediaType::Png, b"<html>not an image</html>"),
            Err(Rejection::TypeMismatch { declared: MediaType::Png, found: None })
        );
    }

    #[test]
    fn a_pdf_declared_as_pdf_passes() {
        assert_eq!(check(MediaType::Pdf, PDF), Ok(()));
    }

    #[test]
    fn a_size_off_by_one_is_refused_either_way() {
        let len = PDF.len() as u64;
        assert_eq!(
            check_bytes(MediaType::Pdf, len + 1, PDF),
            Err(Rejection::SizeMismatch { declared: len + 1, received: len })
        );
        assert_eq!(
            check_bytes(MediaType::Pdf, len - 1, PDF),
            Err(Rejection::SizeMismatch { declared: len - 1, received: len })
        );
    }
}
