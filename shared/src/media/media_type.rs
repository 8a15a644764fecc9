//! The media types uploads accept, named by their content type and recognised by their bytes.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

impl MediaType {
    const ALL: [Self; 4] = [Self::Jpeg, Self::Png, Self::Webp, Self::Pdf];

    /// The type a client declares. Parameters (`; charset=…`) are refused rather than ignored: the
    /// type is signed into the upload URL, and one spelling per type keeps that signature simple.
    pub fn parse(content_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.content_type().eq_ignore_ascii_case(content_type))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != Self::Pdf
    }

    /// The type the first bytes of a file announce (their magic number), whatever it was called.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(PNG_SIGNATURE) {
            Some(Self::Png)
        } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MediaType;

    #[test]
    fn parses_the_four_accepted_types_in_any_case() {
        assert_eq!(MediaType::parse("image/jpeg"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::parse("IMAGE/PNG"), Some(MediaType::Png));
        assert_eq!(MediaType::parse("Image/WebP"), Some(MediaType::Webp));
        assert_eq!(MediaType::parse("application/pdf"), Some(MediaType::Pdf));
        for t in [MediaType::Jpeg, MediaType::Png, MediaType::Webp, MediaType::Pdf] {
            assert_eq!(MediaType::parse(t.content_type()), Some(t));
        }
    }

    #[test]
    fn refuses_other_types_and_parameters() {
        for bad in
            ["", "image/jpg", "image/gif", "image/svg+xml", "text/plain", " image/png", "image/png; q=1", "image/*"]
        {
            assert_eq!(MediaType::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_extensions_and_images() {
        assert_eq!(MediaType::Jpeg.extension(), "jpg");
        assert_eq!(MediaType::Pdf.extension(), "pdf");
        assert!(MediaType::Webp.is_image());
        assert!(!MediaType::Pdf.is_image());
    }

    #[test]
    fn sniffs_magic_numbers() {
        assert_eq!(MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
    }

    #[test]
    fn sniffs_nothing_in_other_bytes() {
        for bad in [&b""[..], b"\xFF\xD8", b"\x89PNG", b"RIFF\x24\0\0\0WAVEfmt ", b"RIFF", b"%PDF", b"hello"] {
            assert_eq!(MediaType::sniff(bad), None, "{bad:?}");
        }
    }
}
