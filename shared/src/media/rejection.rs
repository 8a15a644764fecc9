//! Why an upload was refused: a stable code for clients and stored records, and a sentence for
//! the person who sent it.

use super::MediaType;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("{}", type_mismatch(*declared, *found))]
    TypeMismatch { declared: MediaType, found: Option<MediaType> },
    #[error("the file has {received} bytes, not the {declared} it was declared to have")]
    SizeMismatch { declared: u64, received: u64 },
    #[error("the image is {width} × {height} pixels, too large to accept")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image cannot be read: it is damaged or uses a form of its format that is not supported")]
    Undecodable,
}

impl Rejection {
    /// Every code [`Rejection::code`] gives, for the clients and checks that list them.
    pub const CODES: [&str; 4] = ["type_mismatch", "size_mismatch", "too_many_pixels", "undecodable"];

    pub fn code(&self) -> &'static str {
        match self {
            Self::TypeMismatch { .. } => "type_mismatch",
            Self::SizeMismatch { .. } => "size_mismatch",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::Undecodable => "undecodable",
        }
    }
}

fn type_mismatch(declared: MediaType, found: Option<MediaType>) -> String {
    match found {
        Some(found) => format!("the file is a {}, not the {} it was declared as", noun(found), noun(declared)),
        None => format!("the file is not the {} it was declared as", noun(declared)),
    }
}

fn noun(t: MediaType) -> &'static str {
    match t {
        MediaType::Jpeg => "JPEG image",
        MediaType::Png => "PNG image",
        MediaType::Webp => "WebP image",
        MediaType::Pdf => "PDF document",
    }
}

#[cfg(test)]
mod tests {
    use super::{MediaType, Rejection};

    #[test]
    fn every_code_is_listed_once() {
        let all = [
            Rejection::TypeMismatch { declared: MediaType::Jpeg, found: None },
            Rejection::SizeMismatch { declared: 1, received: 2 },
            Rejection::TooManyPixels { width: 1, height: 2 },
            Rejection::Undecodable,
        ];
        let codes: Vec<&str> = all.iter().map(Rejection::code).collect();
        assert_eq!(codes, Rejection::CODES);
    }

    #[test]
    fn says_what_the_file_was_and_what_it_claimed() {
        let png_as_jpeg = Rejection::TypeMismatch { declared: MediaType::Jpeg, found: Some(MediaType::Png) };
        assert_eq!(png_as_jpeg.to_string(), "the file is a PNG image, not the JPEG image it was declared as");
        let text_as_pdf = Rejection::TypeMismatch { declared: MediaType::Pdf, found: None };
        assert_eq!(text_as_pdf.to_string(), "the file is not the PDF document it was declared as");
        let short = Rejection::SizeMismatch { declared: 1_000, received: 999 };
        assert_eq!(short.to_string(), "the file has 999 bytes, not the 1000 it was declared to have");
        let bomb = Rejection::TooManyPixels { width: 50_000, height: 50_000 };
        assert_eq!(bomb.to_string(), "the image is 50000 × 50000 pixels, too large to accept");
    }
}
