// Package synth generates synthetic persons and their records in the EU
// information systems (DOMAIN.md §2), with ground truth, for the demo, the
// tests and the benchmarks of the European Search Portal and of identity
// matching (DESIGN.md §6: large data comes from synth with a fixed seed).
//
// # Persons
//
// Persons come from 31 countries and many naming traditions, with names
// drawn from embedded lists by a Zipf-like law so that common names repeat
// and namesakes exist: Russian and Ukrainian in Cyrillic, Greek in Greek,
// Syrian, Iraqi and Maghrebi names in Arabic script and their usual Latin
// spellings, Turkish, Polish, German, French, Spanish and Latin American
// (two surnames), Brazilian, Italian, Romanian, Albanian and Kosovar,
// Serbian, Georgian, Nigerian, Chinese (pinyin), Vietnamese (with middle
// names), Indian (Singh and Kaur), Pakistani, Afghan, Eritrean and Somali
// (father's name among the given names). Nationalities are ICAO codes;
// passports (type P) have numbers in a national pattern, unique per
// issuing country, and valid machine-readable zones (package mrz).
//
// # Systems
//
// Each person appears in one to four systems, one record each. A
// third-country national needing a visa is in VIS, a visa-exempt one in
// ETIAS; most are also in EES; Eurodac holds a share that depends on the
// country (most Syrians, Afghans, Eritreans and Somalis, few Brazilians);
// SIS (4%, 10% of Eurodac persons), the SLTD (3%), ECRIS-TCN (2%) and
// Europol data (1%) hold few. EU nationals are only in SIS, the SLTD and
// Europol data. Over many persons EES holds about a third of the records,
// VIS a quarter, ETIAS a seventh, SIS, Eurodac and the SLTD 5–9% each,
// Europol data and ECRIS-TCN 1–2%.
//
// # Noise
//
// A record departs from the true identity of its person as records do:
// records filled from a passport (VIS, EES, ETIAS, SLTD) seldom, records
// typed by officers (SIS, Eurodac, ECRIS-TCN, Europol) often, Eurodac's
// most. The kinds are the Noise constants: typing errors, another
// transliteration or spelling (Schewtschenko, Muhammad, MUELLER) or the
// name in its own script, surname and given names swapped (three times as
// often for Chinese and Vietnamese names), missing given, middle or second
// names, day and month of birth swapped, the year one off, the day or the
// month unknown, an alias, a renewed passport. A few persons commit
// identity fraud: 0.3% use another person's passport, 0.3% have a second
// identity (another name and often another date of birth) with their own
// biometrics. Persons of Afghanistan, Somalia, Eritrea, Iraq and Syria are
// often registered as born on 1 January.
//
// # Biometric templates
//
// Records of VIS, EES and Eurodac, and some of SIS, ECRIS-TCN and Europol
// data, refer to face and fingerprint templates, one per capture: each
// record has templates of its own. Templates makes a record's templates
// again from the seed; Capture makes any capture of a person, such as a
// probe taken at a border. A person has one latent vector per modality and
// each capture adds noise to it, calibrated so that two captures of one
// person score 0.56–0.83 (cosine, about 0.69 on average) and two persons
// about 0 ± 0.07, as modern recognisers do (the model is in templates.go).
// A second identity carries captures of the person's own latent, a user of
// another's passport his own.
//
// # Determinism and scale
//
// The same Options give the same records byte for byte. Person i draws
// from a random stream (PCG) of its own, seeded from Options.Seed and i,
// so Generate holds one person at a time and Queries can make any person
// again. Generate makes more than 400,000 records a second
// (BenchmarkGenerate).
package synth
