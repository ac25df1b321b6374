//! Whole-site enrichment, after every note is parsed: `assemble` builds the site (sections,
//! reading order, output collisions; the data is `model::Site`) with the order of each folder
//! from `order`, then `links` resolves the links between notes, folders, headings and assets
//! against it; `study` gathers the site's glossary.

pub(crate) mod assemble;
pub(crate) mod links;
pub(crate) mod order;
pub(crate) mod study;
