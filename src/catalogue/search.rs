//! What a visitor typed into the search box, made safe for the full-text
//! engines: the words are kept, never the engines' query syntax.
//!
//! Both FTS5 and `to_tsquery` have operators (`"`, `*`, `:`, `-`, `(`,
//! `NEAR`, `AND`, `&`, `!`...) that would turn a stray character into a syntax
//! error. Rather than escape each syntax, the text is cut into words of
//! letters and digits only, and each word is quoted: no operator survives.

/// At most this many words count: more only slow the query down.
const MAX_TERMS: usize = 8;

/// Longer words are cut: no word in an API description is longer, and
/// PostgreSQL refuses words over 2,047 bytes.
const MAX_TERM_CHARS: usize = 64;

/// PostgreSQL's `english` stop words. PostgreSQL ignores them; SQLite's index
/// keeps them, so they are dropped here for both to find the same things.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// The words to search for: lowercase letters and digits, no stop words,
/// no repeats, at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    /// The words of the visitor's text, or `None` when it has none worth
    /// searching for (only punctuation or stop words).
    pub fn parse(text: &str) -> Option<Self> {
        let mut terms: Vec<String> = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let word: String = word.chars().take(MAX_TERM_CHARS).collect::<String>();
            let word = word.to_lowercase();
            if word.is_empty() || STOP_WORDS.contains(&word.as_str()) || terms.contains(&word) {
                continue;
            }
            terms.push(word);
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        (!terms.is_empty()).then_some(Self(terms))
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// An FTS5 query: every word required, each a quoted string matched as
    /// a prefix (`"pet"*` finds `pets` and `Petstore`).
    pub fn to_fts5(&self) -> String {
        self.0
            .iter()
            // Quotes are doubled inside an FTS5 string; words have none, but
            // the quoting must not depend on how they were cut.
            .map(|word| format!("\"{}\"*", word.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// A PostgreSQL `to_tsquery` text: every word required, each a quoted
    /// lexeme matched as a prefix (`'pet':*`).
    pub fn to_tsquery(&self) -> String {
        self.0
            .iter()
            .map(|word| format!("'{}':*", word.replace('\\', "").replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        SearchTerms::parse(text)
            .map(|t| t.words().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn keeps_words_and_drops_syntax() {
        assert_eq!(words(r#""pets" OR * NEAR("#), ["pets", "near"]);
        assert_eq!(words("title:pets -dogs"), ["title", "pets", "dogs"]);
        assert_eq!(words("a&b|!c<->d"), ["b", "c", "d"]);
        assert_eq!(words("'; drop table api; --"), ["drop", "table", "api"]);
        assert_eq!(words("Pets pets PETS"), ["pets"]);
        assert_eq!(words("Zürich café 東京"), ["zürich", "café", "東京"]);
    }

    #[test]
    fn text_without_words_searches_nothing() {
        for text in [
            "",
            "   ",
            "\"*:-()",
            "AND OR NOT",
            "the of a",
            "\u{301}\u{200b}",
        ] {
            assert_eq!(SearchTerms::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn long_text_is_cut_to_a_few_short_words() {
        let long = "x".repeat(5_000);
        assert_eq!(words(&long), ["x".repeat(MAX_TERM_CHARS)]);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_TERMS);
    }

    #[test]
    fn queries_quote_every_word() {
        let terms = SearchTerms::parse(r#"book "trips" NEAR(*"#).unwrap();
        assert_eq!(terms.to_fts5(), r#""book"* AND "trips"* AND "near"*"#);
        assert_eq!(terms.to_tsquery(), "'book':* & 'trips':* & 'near':*");
    }
}
