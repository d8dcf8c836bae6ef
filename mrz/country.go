package mrz

import "strings"

// iso3166 lists the 249 ISO 3166-1 alpha-3 country codes.
const iso3166 = `
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE
BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA
CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE
DEU DJI DMA DNK DOM DZA
ECU EGY ERI ESH ESP EST ETH
FIN FJI FLK FRA FRO FSM
GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
HKG HMD HND HRV HTI HUN
IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA
JAM JEY JOR JPN
KAZ KEN KGZ KHM KIR KNA KOR KWT
LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA
MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT
NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL
OMN
PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF
QAT
REU ROU RUS RWA
SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR
TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
UGA UKR UMI URY USA UZB
VAT VCT VEN VGB VIR VNM VUT
WLF WSM
YEM
ZAF ZMB ZWE`

// icaoCodes lists the codes Doc 9303 Part 3 §5 adds to ISO 3166-1: D for
// Germany; the British nationality classes; Kosovo (RKS, and UNK for
// UNMIK documents); the European Union; the United Nations and its
// agencies; the other issuing organisations (XBA African Development Bank,
// XIM African Export-Import Bank, XCC Caribbean Community, XCE Council of
// Europe, XCO COMESA, XEC ECOWAS, XPO Interpol, XES Organisation of Eastern
// Caribbean States, XMP Parliamentary Assembly of the Mediterranean, XOM
// Sovereign Military Order of Malta, XDC Southern African Development
// Community); the stateless (XXA), refugees (XXB, XXC) and unspecified
// nationality (XXX). UTO is Utopia, the state of every Doc 9303 specimen.
const icaoCodes = `D GBD GBN GBO GBP GBS RKS UNK EUE UNO UNA
XBA XIM XCC XCE XCO XEC XPO XES XMP XOM XDC XXA XXB XXC XXX UTO`

var countries = func() map[string]bool {
	m := make(map[string]bool)
	for _, c := range strings.Fields(iso3166 + " " + icaoCodes) {
		m[c] = true
	}
	return m
}()

// ValidCountry reports whether code, without trailing fillers, may stand
// for an issuing state or a nationality in a machine-readable zone.
func ValidCountry(code string) bool { return countries[code] }
