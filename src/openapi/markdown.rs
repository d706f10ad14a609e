//! Markdown that agencies write (overviews, descriptions) to HTML that is
//! safe to show: pulldown-cmark renders it, ammonia keeps only harmless
//! markup. Nothing an agency writes can run script in a visitor's browser.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Renders Markdown to sanitised HTML. Headings are moved down by `shift`
/// levels so that they sit under the page's own headings (an `#` in an
/// overview shown under an `h2` becomes an `h3`).
pub fn render(markdown: &str, shift: usize) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shifted(level, shift),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, shift))),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    if !needs_sanitising(markdown) {
        return unsafe_html;
    }
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

/// Markdown without `<` has no raw HTML and no autolinks, and without `[`
/// no links or images: pulldown-cmark escapes all of its text, so its output
/// holds only the markup it made itself and needs no sanitiser. This is
/// most descriptions in a large document, and the sanitiser is the costly
/// part of rendering one.
fn needs_sanitising(markdown: &str) -> bool {
    markdown.contains(['<', '['])
}

fn shifted(level: HeadingLevel, shift: usize) -> HeadingLevel {
    let n = (level as usize + shift).min(6);
    HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
}

#[cfg(test)]
mod tests {
    use super::{needs_sanitising, render};

    /// The shortcut gives what the sanitiser would have given.
    #[test]
    fn text_without_markup_needs_no_sanitiser() {
        let samples = [
            "Plain words & more.",
            "# Title\n\n* one\n* two **bold** `code` _em_\n\n```\nfn x() {}\n```",
            "&#60;script&#62;alert(1)&#60;/script&#62; and &amp;lt;b&amp;gt;",
            "| a | b |\n|---|---|\n| 1 | \"2\" |",
            "javascript:alert(1) 'quoted' \\ backslash",
        ];
        for sample in samples {
            assert!(!needs_sanitising(sample));
            let shortcut = render(sample, 2);
            let sanitised = ammonia::Builder::default()
                .link_rel(Some("noopener noreferrer nofollow"))
                .clean(&shortcut)
                .to_string();
            assert_eq!(shortcut, sanitised, "{sample}");
        }
        assert!(needs_sanitising("<b>x</b>"));
        assert!(needs_sanitising("[x](javascript:alert(1))"));
    }

    #[test]
    fn renders_markdown_and_moves_headings_down() {
        let html = render(
            "# Getting started\n\nUse **keys**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            2,
        );
        assert!(html.contains("<h3>Getting started</h3>"), "{html}");
        assert!(html.contains("<strong>keys</strong>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    /// The classic payloads: none may leave anything that runs.
    #[test]
    fn strips_everything_that_could_run_script() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "<a href=\"javascript&#58;alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)><circle/></svg>",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<form action=\"https://evil.example\"><input name=q></form>",
            "<details open ontoggle=alert(1)>",
            "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
        ];
        for payload in payloads {
            let html = render(payload, 0).to_lowercase();
            for forbidden in [
                "<script",
                "onerror",
                "onload",
                "ontoggle",
                "onclick",
                "javascript:",
                "<iframe",
                "<svg",
                "<object",
                "data:text",
                "<form",
                "<input",
                "style=",
            ] {
                assert!(
                    !html.contains(forbidden),
                    "{payload:?} left {forbidden:?} in {html:?}"
                );
            }
        }
        let link = render("[docs](https://data.example/docs)", 0);
        assert!(
            link.contains("href=\"https://data.example/docs\""),
            "{link}"
        );
        assert!(
            link.contains("rel=\"noopener noreferrer nofollow\""),
            "{link}"
        );
    }
}
