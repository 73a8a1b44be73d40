use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::super::data_dir::shared::{ofac_un_entities, ofac_un_index};
use super::super::model::{Entity, EntityType, ListKind, PartialDate};
use super::*;
use crate::domain::names::normalise;

fn top(index: &Index, name: &str) -> Vec<Match> {
    index.search(&Query::new(name))
}

fn assert_rank1(index: &Index, name: &str, source_id: &str) {
    let m = top(index, name);
    assert!(!m.is_empty(), "{name:?}: no match");
    assert_eq!(
        (m[0].list, m[0].source_id.as_str()),
        (ListKind::OfacSdn, source_id),
        "{name:?}: top {:?} ({}) via {:?}",
        m[0].primary_name,
        m[0].score,
        m[0].matched_name
    );
}

fn assert_found(index: &Index, name: &str, list: ListKind, source_id: &str, min_score: f64) {
    let m = top(index, name);
    let hit = m
        .iter()
        .find(|x| x.list == list && x.source_id == source_id);
    let Some(hit) = hit else {
        panic!(
            "{name:?}: {list}:{source_id} not found; got {:?}",
            m.iter()
                .map(|x| (&x.primary_name, x.score))
                .collect::<Vec<_>>()
        );
    };
    assert!(
        hit.score >= min_score,
        "{name:?}: score {} via {:?}",
        hit.score,
        hit.explanation
    );
}

#[test]
fn index_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Index>();
    check::<IndexHandle>();
    check::<Arc<Index>>();
}

#[test]
fn known_ofac_aliases_are_found_at_rank_1() {
    let index = ofac_un_index();
    for (alias, id) in [
        ("NATIONAL BANK OF CUBA", "306"),
        ("AERO-CARIBBEAN", "36"),
        ("LOPEZ SALAZAR, Elkin de Jesus", "12300"),
        ("OSUNA VILLARREAL, Sergio", "12300"),
        ("HAWATMEH, Nayif", "2681"),
        ("LASHKAR E-TOIBA", "7140"),
        ("SALEH, Abdul Latif A.A.", "9451"),
        ("AL-SAUDI, Abu Maryam", "15692"),
        ("SALIH, Ali Abdallah", "17387"),
        ("KASKAR, Dawood Ibrahim", "9758"),
        ("GUZMAN FERNANDEZ, Joaquin", "6861"),
        ("AL-ZAWAHIRI, Aiman Muhammad Rabi", "2676"),
    ] {
        assert_rank1(index, alias, id);
        let m = top(index, alias);
        assert!((m[0].score - 1.0).abs() < 1e-9, "{alias}: {}", m[0].score);
        assert_eq!(m[0].matched_name.to_lowercase(), alias.to_lowercase());
    }
}

#[test]
fn reordered_names_are_found() {
    let index = ofac_un_index();
    assert_rank1(index, "Joaquin Guzman Loera", "6861");
    assert_rank1(index, "Nicolas Maduro Moros", "22790");
    assert_rank1(index, "Elkin de Jesus Lopez Salazar", "12300");
    assert_rank1(index, "Jorge Milton Cifuentes Villa", "12300");
    assert_found(index, "Jong Un Kim", ListKind::OfacSdn, "20157", 0.95);
    assert_found(
        index,
        "Loera Joaquin Guzman",
        ListKind::OfacSdn,
        "6861",
        0.95,
    );
}

#[test]
fn transliterated_names_are_found() {
    let index = ofac_un_index();
    // Usama/Osama, Ladin/Laden, bin as a particle.
    assert_found(index, "Osama bin Laden", ListKind::OfacSdn, "6365", 0.95);
    assert_found(
        index,
        "Usama Bin Muhammad Bin Awad Bin Ladin",
        ListKind::OfacSdn,
        "6365",
        0.95,
    );
    assert_found(
        index,
        "Usama Mohammed Awad bin Laden",
        ListKind::OfacSdn,
        "6365",
        0.9,
    );
    // Aiman/Ayman, Muhammad/Mohamed, al- dropped.
    assert_found(
        index,
        "Ayman Mohamed Rabi al-Zawahiri",
        ListKind::OfacSdn,
        "2676",
        0.9,
    );
    // Abd al-Rahman / Abdel Rahman / Abdulrahman.
    assert_found(
        index,
        "Atiyah Abdel Rahman",
        ListKind::OfacSdn,
        "12843",
        0.95,
    );
    assert_found(
        index,
        "Atiyah Abdulrahman",
        ListKind::OfacSdn,
        "12843",
        0.95,
    );
    // Dawood/Dawud, Ebrahim/Ibrahim.
    assert_found(index, "Dawud Ebrahim", ListKind::OfacSdn, "9758", 0.9);
    // Muhammad/Mohammed against the UN list.
    let un_name = ofac_un_entities()
        .iter()
        .find(|e| e.list == ListKind::UnConsolidated && e.primary_name.contains("MUHAMMAD"))
        .expect("a UN name with MUHAMMAD");
    let variant = un_name.primary_name.replace("MUHAMMAD", "Mohammed");
    assert_found(
        index,
        &variant,
        ListKind::UnConsolidated,
        &un_name.source_id,
        0.9,
    );
}

/// Everyday Indian and Indonesian names: none may reach the 0.80 line against OFAC + UN.
const EVERYDAY_NAMES: &[&str] = &[
    "Rahul Sharma",
    "Priya Nair",
    "Amit Kumar Gupta",
    "Sunita Verma",
    "Rajesh Iyer",
    "Anjali Mehta",
    "Vikram Singh Rathore",
    "Deepa Krishnan",
    "Suresh Reddy",
    "Kavita Joshi",
    "Arjun Menon",
    "Lakshmi Narayanan",
    "Venkatesh Naidu",
    "Pooja Chatterjee",
    "Sanjay Patil",
    "Meera Pillai",
    "Ravi Shankar Prasad",
    "Neha Agarwal",
    "Farhan Qureshi",
    "Ayesha Siddiqui",
    "Siti Nurhaliza",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Setiawan",
    "Eko Prasetyo",
    "Rina Wulandari",
    "Bambang Susilo",
    "Putri Handayani",
    "Joko Widodo",
    "Sri Mulyani Indrawati",
    "Ahmad Hidayat",
    "Nurul Aini",
];

#[test]
fn everyday_names_stay_under_the_line() {
    let index = ofac_un_index();
    let mut over = Vec::new();
    for name in EVERYDAY_NAMES {
        let m = index.search(&Query::new(*name).with_threshold(0.0).with_limit(1));
        if let Some(best) = m.first()
            && best.score >= DEFAULT_THRESHOLD
        {
            over.push((name, best.matched_name.clone(), best.score));
        }
    }
    assert!(over.is_empty(), "{over:?}");
}

#[test]
fn search_scores_only_a_capped_candidate_set() {
    let index = ofac_un_index();
    for name in [
        "Muhammad Ali",
        "Abdul Rahman",
        "Ahmad",
        "Bank",
        "Trading Company LLC",
    ] {
        let c = index.candidates(&normalise(name), MAX_CANDIDATES);
        assert!(c.len() <= MAX_CANDIDATES, "{name}: {}", c.len());
        assert!(!c.is_empty(), "{name}");
    }
    // At most `MAX_NAMES_PER_ENTITY` names of one entity among the candidates.
    let c = index.candidates(&normalise("Dawood Ibrahim"), MAX_CANDIDATES);
    let of_dawood = c
        .iter()
        .filter(|&&ni| index.entities[index.names[ni as usize].entity as usize].source_id == "9758")
        .count();
    assert!(
        (1..=MAX_NAMES_PER_ENTITY).contains(&of_dawood),
        "{of_dawood}"
    );
}

#[test]
fn one_match_per_entity_sorted_and_limited() {
    let index = ofac_un_index();
    let m = index.search(
        &Query::new("Muhammad Ali")
            .with_threshold(0.5)
            .with_limit(25),
    );
    assert!(m.len() <= 25 && !m.is_empty());
    let mut ids: Vec<usize> = m.iter().map(|x| x.entity_idx).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), m.len());
    assert!(m.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        index
            .search(&Query::new("Muhammad Ali").with_limit(0))
            .is_empty()
    );
    assert!(index.search(&Query::new("  ")).is_empty());
}

#[test]
fn qualifiers_apply_to_real_entities() {
    let index = ofac_un_index();
    let name = "Jorge Milton Cifuentes Villa";
    let q = Query::new(name).with_dob(PartialDate::new(1965, Some(5), Some(13)));
    let m = index.search(&q);
    assert_eq!(m[0].source_id, "12300");
    assert!((m[0].score - 1.0).abs() < 1e-9);
    assert!(
        m[0].explanation
            .qualifiers
            .contains(&"dob_match".to_string())
    );

    let q = Query::new(name)
        .with_dob(PartialDate::year(1990))
        .with_country("India")
        .with_entity_type(EntityType::Organization)
        .with_threshold(0.0);
    let m = index.search(&q);
    let jorge = m.iter().find(|x| x.source_id == "12300").unwrap();
    assert!(jorge.score < 0.6, "{}", jorge.score);
    assert_eq!(
        jorge.explanation.qualifiers.len(),
        3,
        "{:?}",
        jorge.explanation
    );
}

#[test]
fn an_exact_document_number_is_a_match_whatever_the_name() {
    let index = ofac_un_index();
    let q = Query::new("Somebody Else").with_document("4005504207");
    let m = index.search(&q);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].source_id, "29703");
    assert!((m[0].score - 1.0).abs() < 1e-9);
    assert_eq!(m[0].explanation.qualifiers, ["document_match(=1.0)"]);
}

#[test]
fn the_explanation_names_the_paired_tokens() {
    let index = ofac_un_index();
    let m = index.search(&Query::new("Nayif Hawatmeh"));
    assert_eq!(m[0].source_id, "2681");
    let pairs: Vec<(&str, &str)> = m[0]
        .explanation
        .matched_tokens
        .iter()
        .map(|(q, l, _)| (q.as_str(), l.as_str()))
        .collect();
    assert_eq!(pairs, [("nayif", "nayif"), ("hawatmeh", "hawatmeh")]);
}

fn person(id: &str, name: &str) -> Entity {
    Entity::new(ListKind::OfacSdn, id, EntityType::Person, name)
}

#[test]
fn the_handle_swaps_indexes_under_concurrent_queries_and_loses_none() {
    // Two indexes that both know the target, under different ids, plus filler.
    let build = |tag: &str| {
        let mut entities: Vec<Entity> = (0..300)
            .map(|i| {
                person(
                    &format!("{tag}-filler-{i}"),
                    &format!("Filler Person{i} Number{i}"),
                )
            })
            .collect();
        entities.push(person(
            &format!("{tag}-target"),
            "CIFUENTES VILLA, Jorge Milton",
        ));
        Index::build(entities)
    };
    let handle = Arc::new(IndexHandle::new(build("a")));
    let held = handle.current();
    let done = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    const THREADS: usize = 4;
    const QUERIES: usize = 300;
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let handle = Arc::clone(&handle);
            let answered = Arc::clone(&answered);
            std::thread::spawn(move || {
                for _ in 0..QUERIES {
                    let m = handle.search(&Query::new("Jorge Cifuentes Villa"));
                    assert_eq!(m.len(), 1, "a query lost its answer");
                    assert!(m[0].source_id.ends_with("-target"));
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let swapper = {
        let handle = Arc::clone(&handle);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut swaps = 0usize;
            while !done.load(Ordering::Relaxed) || swaps < 20 {
                let tag = if swaps.is_multiple_of(2) { "b" } else { "a" };
                let old = handle.replace(build(tag));
                assert_eq!(old.len(), 301);
                swaps += 1;
                if swaps > 10_000 {
                    break;
                }
            }
            swaps
        })
    };
    for w in workers {
        w.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert!(swaps >= 20);
    assert_eq!(answered.load(Ordering::Relaxed), THREADS * QUERIES);
    // An index taken before the swaps still answers.
    assert_eq!(
        held.search(&Query::new("Jorge Milton Cifuentes Villa"))[0].source_id,
        "a-target"
    );
}
