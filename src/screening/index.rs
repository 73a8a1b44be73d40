//! Candidate generation and search.
//!
//! Every listed name is normalised once at build time. An inverted index maps hashed token keys
//! to the names that have them: the canonical token (`t`), its phonetic key (`k`), its consonant
//! skeleton (`s`) and its phonetic key with each one letter deleted (`d`, a symmetric-delete
//! neighbourhood that catches one typo). A query gathers the names that share keys with it,
//! weighting each key by its rarity (IDF) and each query token by its best key per name, keeps
//! the best [`MAX_CANDIDATES`] names and scores only those. Document numbers are indexed too: a
//! query with a document number always scores the entities that carry it.
//!
//! [`Index`] is immutable and `Send + Sync`; [`IndexHandle`] holds the current one behind a
//! `RwLock<Arc<Index>>` so a server can swap in a rebuilt index while queries run.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;

use super::model::{Entity, EntityType, ListKind, PartialDate, normalise_document_number};
use super::score::{self, DEFAULT_THRESHOLD, Explanation, QueryFacts};
use crate::domain::names::{NormalisedName, normalise};

/// At most this many names are scored per query.
pub const MAX_CANDIDATES: usize = 96;
/// At most this many names of one entity are among the candidates.
const MAX_NAMES_PER_ENTITY: usize = 3;
/// Query tokens whose exact key is on more names than this do not use deletion keys (a common
/// token that is in the index is very unlikely to be a typo).
const DELETION_MAX_DF: usize = 40;

const W_TOKEN: f32 = 1.0;
const W_KEY: f32 = 0.9;
const W_SKELETON: f32 = 0.6;
const W_DELETION: f32 = 0.5;

/// A screening query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub name: String,
    pub dob: Option<PartialDate>,
    /// A country name or ISO code.
    pub country: Option<String>,
    pub entity_type: Option<EntityType>,
    /// A document number (passport, national id, …); an exact match scores 1.0.
    pub document: Option<String>,
    /// Matches scoring below this are not returned.
    pub threshold: f64,
    /// At most this many matches are returned.
    pub limit: usize,
}

impl Query {
    /// A name-only query with the default threshold and a limit of 10.
    pub fn new(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            dob: None,
            country: None,
            entity_type: None,
            document: None,
            threshold: DEFAULT_THRESHOLD,
            limit: 10,
        }
    }

    pub fn with_threshold(mut self, threshold: f64) -> Query {
        self.threshold = threshold;
        self
    }

    pub fn with_limit(mut self, limit: usize) -> Query {
        self.limit = limit;
        self
    }

    pub fn with_dob(mut self, dob: PartialDate) -> Query {
        self.dob = Some(dob);
        self
    }

    pub fn with_country(mut self, country: impl Into<String>) -> Query {
        self.country = Some(country.into());
        self
    }

    pub fn with_entity_type(mut self, t: EntityType) -> Query {
        self.entity_type = Some(t);
        self
    }

    pub fn with_document(mut self, number: impl Into<String>) -> Query {
        self.document = Some(number.into());
        self
    }
}

/// One entity that matched a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// Position of the entity in [`Index::entities`].
    pub entity_idx: usize,
    pub list: ListKind,
    pub source_id: String,
    pub primary_name: String,
    /// The listed name (primary or alias) that matched best.
    pub matched_name: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub explanation: Explanation,
}

#[derive(Debug, Clone)]
struct IndexedName {
    entity: u32,
    text: String,
    norm: NormalisedName,
}

/// Sizes of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    pub entities: usize,
    pub names: usize,
    pub keys: usize,
    pub postings: usize,
    pub documents: usize,
}

/// An immutable screening index over a set of entities.
#[derive(Debug, Clone)]
pub struct Index {
    entities: Vec<Entity>,
    names: Vec<IndexedName>,
    /// Sorted unique key hashes; `offsets[i]..offsets[i + 1]` indexes `postings` for `keys[i]`.
    keys: Vec<u64>,
    offsets: Vec<u32>,
    postings: Vec<u32>,
    /// Normalised document number → entity positions.
    documents: HashMap<String, Vec<u32>>,
    /// Where the entities came from, in entity order (empty when the caller did not say).
    sources: Vec<ListSource>,
}

/// One list version an index was built from: its entities are
/// `entities[first_entity..first_entity + entity_count]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSource {
    /// The stored version's id.
    pub version_id: String,
    pub kind: ListKind,
    /// The list's name (`ofac` unless the operator named it otherwise).
    pub name: String,
    pub version: i64,
    pub first_entity: usize,
    pub entity_count: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Token,
    Key,
    Skeleton,
    Deletion,
}

impl KeyKind {
    fn tag(self) -> u8 {
        match self {
            KeyKind::Token => b't',
            KeyKind::Key => b'k',
            KeyKind::Skeleton => b's',
            KeyKind::Deletion => b'd',
        }
    }

    fn weight(self) -> f32 {
        match self {
            KeyKind::Token => W_TOKEN,
            KeyKind::Key => W_KEY,
            KeyKind::Skeleton => W_SKELETON,
            KeyKind::Deletion => W_DELETION,
        }
    }
}

/// FNV-1a over a tag byte and the key bytes (skipping byte `skip`, for deletion keys).
fn hash_key(kind: KeyKind, s: &[u8], skip: Option<usize>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    feed(kind.tag());
    for (i, &b) in s.iter().enumerate() {
        if Some(i) != skip {
            feed(b);
        }
    }
    h
}

/// The exact, phonetic and skeleton keys of token `i` of a name (none for single letters).
fn base_keys(name: &NormalisedName, i: usize, out: &mut Vec<(u64, KeyKind)>) {
    let tok = name.tokens[i].as_bytes();
    if tok.len() < 2 {
        return;
    }
    out.push((hash_key(KeyKind::Token, tok, None), KeyKind::Token));
    let key = name.keys[i].as_bytes();
    if !key.is_empty() {
        out.push((hash_key(KeyKind::Key, key, None), KeyKind::Key));
    }
    let skel = name.skeletons[i].as_bytes();
    if skel.len() >= 2 {
        out.push((hash_key(KeyKind::Skeleton, skel, None), KeyKind::Skeleton));
    }
}

/// The deletion keys of token `i`: the token and the token with each letter deleted (tokens of
/// at least four letters only). Two tokens one edit apart share one of these.
fn deletion_keys(name: &NormalisedName, i: usize, out: &mut Vec<(u64, KeyKind)>) {
    let key = name.tokens[i].as_bytes();
    if key.len() < 4 {
        return;
    }
    deletion_keys_of(key, out);
}

/// The deletion keys of a query token: as for listed tokens, and a three-letter token also as
/// the deletion of a four-letter listed one (`coe` for `cone`).
fn query_deletion_keys(name: &NormalisedName, i: usize, out: &mut Vec<(u64, KeyKind)>) {
    let key = name.tokens[i].as_bytes();
    match key.len() {
        0..=2 => {}
        3 => out.push((hash_key(KeyKind::Deletion, key, None), KeyKind::Deletion)),
        _ => deletion_keys_of(key, out),
    }
}

fn deletion_keys_of(key: &[u8], out: &mut Vec<(u64, KeyKind)>) {
    out.push((hash_key(KeyKind::Deletion, key, None), KeyKind::Deletion));
    for skip in 0..key.len() {
        out.push((
            hash_key(KeyKind::Deletion, key, Some(skip)),
            KeyKind::Deletion,
        ));
    }
}

impl Index {
    /// Builds the index. Entities keep their order: [`Match::entity_idx`] is a position in the
    /// given vector.
    pub fn build(entities: Vec<Entity>) -> Index {
        let mut names: Vec<IndexedName> = Vec::with_capacity(entities.len() * 3);
        let mut documents: HashMap<String, Vec<u32>> = HashMap::new();
        for (ei, e) in entities.iter().enumerate() {
            let Ok(ei32) = u32::try_from(ei) else { break };
            let mut seen: Vec<Vec<String>> = Vec::new();
            for text in e.names() {
                let norm = normalise(text);
                if norm.is_empty() || seen.contains(&norm.tokens) {
                    continue;
                }
                seen.push(norm.tokens.clone());
                names.push(IndexedName {
                    entity: ei32,
                    text: text.to_string(),
                    norm,
                });
            }
            for d in &e.documents {
                let n = d.normalised_number();
                if n.len() >= 5 {
                    let ids = documents.entry(n).or_default();
                    if !ids.contains(&ei32) {
                        ids.push(ei32);
                    }
                }
            }
        }
        let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(names.len() * 24);
        let mut keys_buf = Vec::new();
        for (ni, n) in names.iter().enumerate() {
            let Ok(ni32) = u32::try_from(ni) else { break };
            for i in 0..n.norm.tokens.len() {
                keys_buf.clear();
                base_keys(&n.norm, i, &mut keys_buf);
                deletion_keys(&n.norm, i, &mut keys_buf);
                pairs.extend(keys_buf.iter().map(|&(h, _)| (h, ni32)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut keys = Vec::new();
        let mut offsets = Vec::new();
        let mut postings = Vec::with_capacity(pairs.len());
        for (h, ni) in pairs {
            if keys.last() != Some(&h) {
                keys.push(h);
                offsets.push(u32::try_from(postings.len()).unwrap_or(u32::MAX));
            }
            postings.push(ni);
        }
        offsets.push(u32::try_from(postings.len()).unwrap_or(u32::MAX));
        Index {
            entities,
            names,
            keys,
            offsets,
            postings,
            documents,
            sources: Vec::new(),
        }
    }

    /// Builds the index over several lists, concatenated in the given order, remembering which
    /// list version each entity came from (see [`Index::source_of`]).
    pub fn build_from_lists(lists: Vec<(ListSource, Vec<Entity>)>) -> Index {
        let mut entities = Vec::new();
        let mut sources = Vec::with_capacity(lists.len());
        for (mut source, list) in lists {
            source.first_entity = entities.len();
            source.entity_count = list.len();
            entities.extend(list);
            sources.push(source);
        }
        let mut index = Index::build(entities);
        index.sources = sources;
        index
    }

    /// The list versions this index was built from.
    pub fn sources(&self) -> &[ListSource] {
        &self.sources
    }

    /// The list version entity `idx` came from.
    pub fn source_of(&self, idx: usize) -> Option<&ListSource> {
        self.sources
            .iter()
            .find(|s| (s.first_entity..s.first_entity + s.entity_count).contains(&idx))
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn entity(&self, idx: usize) -> Option<&Entity> {
        self.entities.get(idx)
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    pub fn stats(&self) -> IndexStats {
        IndexStats {
            entities: self.entities.len(),
            names: self.names.len(),
            keys: self.keys.len(),
            postings: self.postings.len(),
            documents: self.documents.len(),
        }
    }

    fn posting(&self, h: u64) -> &[u32] {
        match self.keys.binary_search(&h) {
            Ok(i) => {
                let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
                &self.postings[a..b]
            }
            Err(_) => &[],
        }
    }

    /// The names worth scoring for a normalised query, best first, at most `cap`.
    fn candidates(&self, q: &NormalisedName, cap: usize) -> Vec<u32> {
        let n_names = self.names.len();
        let total = n_names as f32 + 1.0;
        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let s = &mut *guard;
            s.prepare(n_names);
            let mut keys = Vec::with_capacity(16);
            for i in 0..q.tokens.len() {
                keys.clear();
                base_keys(q, i, &mut keys);
                let exact_df = keys.first().map_or(0, |&(h, _)| self.posting(h).len());
                if exact_df <= DELETION_MAX_DF {
                    query_deletion_keys(q, i, &mut keys);
                }
                for &(h, kind) in &keys {
                    let post = self.posting(h);
                    if post.is_empty() {
                        continue;
                    }
                    let idf = (total / post.len() as f32).ln() + 0.1;
                    let w = idf * kind.weight();
                    for &ni in post {
                        let slot = &mut s.token_best[ni as usize];
                        if *slot == 0.0 {
                            s.touched_token.push(ni);
                        }
                        if w > *slot {
                            *slot = w;
                        }
                    }
                }
                for &ni in &s.touched_token {
                    let acc = &mut s.acc[ni as usize];
                    if *acc == 0.0 {
                        s.touched.push(ni);
                    }
                    *acc += s.token_best[ni as usize];
                    s.token_best[ni as usize] = 0.0;
                }
                s.touched_token.clear();
            }
            let q_len = q.tokens.len();
            let mut ranked: Vec<(f32, u32)> = s
                .touched
                .iter()
                .map(|&ni| {
                    let extra = self.names[ni as usize]
                        .norm
                        .tokens
                        .len()
                        .saturating_sub(q_len);
                    (s.acc[ni as usize] / (1.0 + 0.15 * extra as f32), ni)
                })
                .collect();
            for &ni in &s.touched {
                s.acc[ni as usize] = 0.0;
            }
            s.touched.clear();
            s.clean = true;
            // Look at a few times the cap, best first, and keep at most
            // `MAX_NAMES_PER_ENTITY` names of any one entity so that an entity with dozens of
            // similar aliases cannot crowd the others out.
            let window = cap * 4;
            if ranked.len() > window {
                ranked.select_nth_unstable_by(window, |a, b| b.0.total_cmp(&a.0));
                ranked.truncate(window);
            }
            ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut per_entity: HashMap<u32, u8> = HashMap::with_capacity(cap);
            ranked.retain(|&(_, ni)| {
                let count = per_entity
                    .entry(self.names[ni as usize].entity)
                    .or_insert(0);
                *count += 1;
                usize::from(*count) <= MAX_NAMES_PER_ENTITY
            });
            ranked.truncate(cap);
            ranked.into_iter().map(|(_, ni)| ni).collect()
        })
    }

    /// Screens one query: matches at or above `query.threshold`, best first, one per entity, at
    /// most `query.limit`.
    pub fn search(&self, query: &Query) -> Vec<Match> {
        let q = normalise(&query.name);
        let facts = QueryFacts::new(
            query.dob,
            query.country.as_deref(),
            query.entity_type,
            query.document.as_deref(),
        );
        self.search_normalised(&q, &facts, query.threshold, query.limit)
    }

    /// [`Index::search`] for an already normalised name and facts.
    pub fn search_normalised(
        &self,
        q: &NormalisedName,
        facts: &QueryFacts,
        threshold: f64,
        limit: usize,
    ) -> Vec<Match> {
        if limit == 0 {
            return Vec::new();
        }
        // Best name per entity: entity → (name score, name id).
        let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
        if !q.is_empty() {
            for ni in self.candidates(q, MAX_CANDIDATES) {
                let name = &self.names[ni as usize];
                let (s, _) = score::name_similarity(q, &name.norm);
                let slot = best.entry(name.entity).or_insert((-1.0, ni));
                if s > slot.0 {
                    *slot = (s, ni);
                }
            }
        }
        if let Some(doc) = facts.document.as_deref().map(normalise_document_number)
            && let Some(ids) = self.documents.get(&doc)
        {
            for &ei in ids {
                if best.contains_key(&ei) {
                    continue;
                }
                // Score the entity's best name anyway, for the explanation.
                let mut top = (0.0, u32::MAX);
                for (ni, name) in self
                    .names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.entity == ei)
                {
                    let s = score::name_similarity(q, &name.norm).0;
                    if top.1 == u32::MAX || s > top.0 {
                        top = (s, u32::try_from(ni).unwrap_or(u32::MAX));
                    }
                }
                if top.1 != u32::MAX {
                    best.insert(ei, top);
                }
            }
        }
        let mut scored: Vec<(f64, u32, u32)> = Vec::with_capacity(best.len());
        for (ei, (name_score, ni)) in best {
            let entity = &self.entities[ei as usize];
            let (s, _) = score::apply_qualifiers(name_score, facts, entity);
            if s >= threshold {
                scored.push((s, ei, ni));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(s, ei, ni)| {
                let entity = &self.entities[ei as usize];
                let name = &self.names[ni as usize];
                let (_, explanation) = score::score(q, facts, entity, &name.norm);
                Match {
                    entity_idx: ei as usize,
                    list: entity.list,
                    source_id: entity.source_id.clone(),
                    primary_name: entity.primary_name.clone(),
                    matched_name: name.text.clone(),
                    score: s,
                    programs: entity.programs.clone(),
                    explanation,
                }
            })
            .collect()
    }
}

/// Per-thread accumulators for candidate generation, reused across queries.
#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    token_best: Vec<f32>,
    touched: Vec<u32>,
    touched_token: Vec<u32>,
    /// False while a query is using the buffers (a panic mid-query leaves it false).
    clean: bool,
}

impl Scratch {
    fn prepare(&mut self, n: usize) {
        if !self.clean || self.acc.len() < n {
            self.acc.clear();
            self.acc.resize(n, 0.0);
            self.token_best.clear();
            self.token_best.resize(n, 0.0);
            self.touched.clear();
            self.touched_token.clear();
        }
        self.clean = false;
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The current index of a running service. Readers take an `Arc` to the index that is current
/// when they start; [`IndexHandle::replace`] swaps in a new one without waiting for them.
#[derive(Debug)]
pub struct IndexHandle {
    current: RwLock<Arc<Index>>,
}

impl IndexHandle {
    pub fn new(index: Index) -> IndexHandle {
        IndexHandle {
            current: RwLock::new(Arc::new(index)),
        }
    }

    /// The index current now.
    pub fn current(&self) -> Arc<Index> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&guard)
    }

    /// Makes `index` current and returns the one it replaces.
    pub fn replace(&self, index: Index) -> Arc<Index> {
        let new = Arc::new(index);
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::replace(&mut *guard, new)
    }

    /// Searches the current index.
    pub fn search(&self, query: &Query) -> Vec<Match> {
        self.current().search(query)
    }
}

#[cfg(test)]
pub(crate) mod tests;
