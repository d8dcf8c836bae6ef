package synth

// style is how a naming tradition composes given names and surnames.
type style uint8

const (
	styleWestern    style = iota // one given name, sometimes two; one surname
	styleSlavic                  // one given name (the patronymic stays off travel documents); one surname
	styleHispanic                // one or two given names; two surnames (father's, mother's)
	styleLusophone               // one or two given names; one or two surnames
	styleArabic                  // a given name, often followed by the father's name; a family name
	styleHorn                    // a given name and the father's name; the grandfather's as surname
	styleChinese                 // one given name; one surname, written first at home
	styleVietnamese              // a middle name (Văn, Thị) and a given name; one surname, written first at home
	stylePakistani               // as Arabic, with Muhammad before many men's given names
)

// countrySpec describes the persons of one nationality.
type countrySpec struct {
	code     string // ICAO nationality code
	issuer   string // ICAO code of the issuing state in documents (D for Germany)
	weight   int    // relative share of persons
	eu       bool   // EU national: not in EES, VIS, ETIAS, Eurodac or ECRIS-TCN
	visa     bool   // needs a visa (VIS); otherwise visa-exempt (ETIAS)
	asylum   int    // per mille of persons registered in Eurodac
	native   int    // per mille of hand-typed records written in the national script
	dayOne   int    // per mille of persons registered as born on 1 January (date unknown at registration)
	swaps    bool   // surname written first at home, so records often swap the order
	style    style
	names    *nameSet
	places   string // places of birth, most frequent first, separated by '|'
	passport string // passport number pattern: A a letter, 9 a digit, X either, other characters literal
}

// countrySpecs lists the nationalities of synthetic persons. The weights
// follow, roughly, the third-country nationals crossing the external
// borders, applying for visas and for asylum; EU nationals appear only in
// SIS, Europol data and the SLTD.
var countrySpecs = []countrySpec{
	{code: "UKR", issuer: "UKR", weight: 90, asylum: 10, native: 120, style: styleSlavic, names: &ukrainianNames,
		places: "Kyiv|Kharkiv|Odesa|Dnipro|Lviv|Zaporizhzhia|Kryvyi Rih|Mykolaiv|Vinnytsia|Poltava|Chernihiv|Kherson|Mariupol", passport: "AA999999"},
	{code: "RUS", issuer: "RUS", weight: 60, visa: true, asylum: 15, native: 120, style: styleSlavic, names: &russianNames,
		places: "Moskva|Sankt-Peterburg|Novosibirsk|Yekaterinburg|Kazan|Nizhny Novgorod|Chelyabinsk|Samara|Omsk|Rostov-na-Donu|Ufa|Krasnoyarsk|Voronezh", passport: "999999999"},
	{code: "TUR", issuer: "TUR", weight: 80, visa: true, asylum: 60, style: styleWestern, names: &turkishNames,
		places: "İstanbul|Ankara|İzmir|Bursa|Adana|Gaziantep|Konya|Antalya|Diyarbakır|Kayseri|Mersin|Şanlıurfa|Trabzon", passport: "A99999999"},
	{code: "CHN", issuer: "CHN", weight: 70, visa: true, asylum: 3, swaps: true, style: styleChinese, names: &chineseNames,
		places: "Beijing|Shanghai|Guangzhou|Shenzhen|Chongqing|Tianjin|Wuhan|Chengdu|Hangzhou|Nanjing|Xi'an|Wenzhou|Harbin", passport: "A99999999"},
	{code: "IND", issuer: "IND", weight: 70, visa: true, asylum: 10, style: styleWestern, names: &indianNames,
		places: "Mumbai|Delhi|Bengaluru|Kolkata|Chennai|Hyderabad|Ahmedabad|Pune|Jaipur|Lucknow|Amritsar|Kochi|Chandigarh", passport: "A99999999"},
	{code: "MAR", issuer: "MAR", weight: 50, visa: true, asylum: 60, native: 60, style: styleArabic, names: &maghrebNames,
		places: "Casablanca|Rabat|Fès|Marrakech|Tanger|Agadir|Meknès|Oujda|Kénitra|Tétouan|Nador|Béni Mellal", passport: "AA9999999"},
	{code: "DZA", issuer: "DZA", weight: 20, visa: true, asylum: 80, native: 60, style: styleArabic, names: &maghrebNames,
		places: "Alger|Oran|Constantine|Annaba|Blida|Batna|Sétif|Tlemcen|Béjaïa", passport: "999999999"},
	{code: "TUN", issuer: "TUN", weight: 15, visa: true, asylum: 60, native: 60, style: styleArabic, names: &maghrebNames,
		places: "Tunis|Sfax|Sousse|Kairouan|Bizerte|Gabès|Ariana|Gafsa", passport: "A99999999"},
	{code: "SYR", issuer: "SYR", weight: 50, visa: true, asylum: 650, native: 100, dayOne: 150, style: styleArabic, names: &levantNames,
		places: "Damascus|Aleppo|Homs|Hama|Latakia|Deir ez-Zor|Idlib|Raqqa|Daraa|Qamishli|Tartus|Al-Hasakah", passport: "999999999"},
	{code: "IRQ", issuer: "IRQ", weight: 20, visa: true, asylum: 450, native: 100, dayOne: 200, style: styleArabic, names: &levantNames,
		places: "Baghdad|Mosul|Basra|Erbil|Kirkuk|Sulaymaniyah|Najaf|Karbala|Duhok|Ramadi|Fallujah", passport: "A99999999"},
	{code: "AFG", issuer: "AFG", weight: 40, visa: true, asylum: 700, dayOne: 400, style: styleArabic, names: &afghanNames,
		places: "Kabul|Kandahar|Herat|Mazar-i-Sharif|Jalalabad|Kunduz|Ghazni|Baghlan|Khost|Lashkar Gah", passport: "A99999999"},
	{code: "ERI", issuer: "ERI", weight: 15, visa: true, asylum: 750, dayOne: 300, style: styleHorn, names: &eritreanNames,
		places: "Asmara|Keren|Massawa|Mendefera|Adi Keyh|Barentu|Dekemhare|Assab", passport: "A99999999"},
	{code: "SOM", issuer: "SOM", weight: 15, visa: true, asylum: 650, dayOne: 400, style: styleHorn, names: &somaliNames,
		places: "Mogadishu|Hargeisa|Kismayo|Baidoa|Bosaso|Galkayo|Beledweyne|Burao|Garowe|Merca", passport: "A99999999"},
	{code: "NGA", issuer: "NGA", weight: 30, visa: true, asylum: 150, dayOne: 50, style: styleWestern, names: &nigerianNames,
		places: "Lagos|Kano|Ibadan|Abuja|Benin City|Port Harcourt|Kaduna|Enugu|Onitsha|Aba|Jos|Maiduguri", passport: "A99999999"},
	{code: "PAK", issuer: "PAK", weight: 30, visa: true, asylum: 150, dayOne: 100, style: stylePakistani, names: &pakistaniNames,
		places: "Karachi|Lahore|Faisalabad|Rawalpindi|Gujranwala|Peshawar|Multan|Islamabad|Sialkot|Quetta|Gujrat|Mirpur", passport: "AA9999999"},
	{code: "VNM", issuer: "VNM", weight: 20, visa: true, asylum: 40, swaps: true, style: styleVietnamese, names: &vietnameseNames,
		places: "Hà Nội|Thành phố Hồ Chí Minh|Hải Phòng|Đà Nẵng|Nghệ An|Thanh Hóa|Hà Tĩnh|Cần Thơ|Quảng Bình|Huế", passport: "A99999999"},
	{code: "ALB", issuer: "ALB", weight: 30, asylum: 30, style: styleWestern, names: &albanianNames,
		places: "Tiranë|Durrës|Vlorë|Elbasan|Shkodër|Fier|Korçë|Berat|Lushnjë", passport: "AA9999999"},
	{code: "RKS", issuer: "RKS", weight: 10, asylum: 30, style: styleWestern, names: &albanianNames,
		places: "Prishtinë|Prizren|Ferizaj|Pejë|Gjakovë|Gjilan|Mitrovicë", passport: "AA9999999"},
	{code: "SRB", issuer: "SRB", weight: 30, asylum: 10, style: styleWestern, names: &serbianNames,
		places: "Beograd|Novi Sad|Niš|Kragujevac|Subotica|Zrenjanin|Pančevo|Čačak|Kraljevo|Novi Pazar", passport: "999999999"},
	{code: "GEO", issuer: "GEO", weight: 20, asylum: 80, style: styleWestern, names: &georgianNames,
		places: "Tbilisi|Kutaisi|Batumi|Rustavi|Zugdidi|Gori|Poti|Telavi|Samtredia", passport: "99AA99999"},
	{code: "BRA", issuer: "BRA", weight: 40, asylum: 5, style: styleLusophone, names: &brazilianNames,
		places: "São Paulo|Rio de Janeiro|Belo Horizonte|Salvador|Brasília|Fortaleza|Recife|Curitiba|Manaus|Porto Alegre|Goiânia|Belém", passport: "AA999999"},
	{code: "COL", issuer: "COL", weight: 20, asylum: 60, style: styleHispanic, names: &hispanicNames,
		places: "Bogotá|Medellín|Cali|Barranquilla|Cartagena|Bucaramanga|Pereira|Cúcuta", passport: "AA9999999"},
	{code: "MEX", issuer: "MEX", weight: 15, asylum: 5, style: styleHispanic, names: &hispanicNames,
		places: "Ciudad de México|Guadalajara|Monterrey|Puebla|Tijuana|León|Juárez|Mérida|Cancún", passport: "A99999999"},
	{code: "VEN", issuer: "VEN", weight: 15, asylum: 150, style: styleHispanic, names: &hispanicNames,
		places: "Caracas|Maracaibo|Valencia|Barquisimeto|Maracay|Ciudad Guayana|Mérida|San Cristóbal", passport: "999999999"},

	{code: "DEU", issuer: "D", weight: 20, eu: true, style: styleWestern, names: &germanNames,
		places: "Berlin|Hamburg|München|Köln|Frankfurt am Main|Stuttgart|Düsseldorf|Leipzig|Dortmund|Essen|Bremen|Dresden|Hannover|Nürnberg", passport: "CXXXXXXXX"},
	{code: "FRA", issuer: "FRA", weight: 20, eu: true, style: styleWestern, names: &frenchNames,
		places: "Paris|Marseille|Lyon|Toulouse|Nice|Nantes|Strasbourg|Montpellier|Bordeaux|Lille|Rennes|Saint-Denis", passport: "99AA99999"},
	{code: "POL", issuer: "POL", weight: 20, eu: true, style: styleWestern, names: &polishNames,
		places: "Warszawa|Kraków|Łódź|Wrocław|Poznań|Gdańsk|Szczecin|Bydgoszcz|Lublin|Katowice|Białystok", passport: "AA9999999"},
	{code: "ITA", issuer: "ITA", weight: 20, eu: true, style: styleWestern, names: &italianNames,
		places: "Roma|Milano|Napoli|Torino|Palermo|Genova|Bologna|Firenze|Bari|Catania|Venezia", passport: "AA9999999"},
	{code: "ESP", issuer: "ESP", weight: 15, eu: true, style: styleHispanic, names: &hispanicNames,
		places: "Madrid|Barcelona|Valencia|Sevilla|Zaragoza|Málaga|Murcia|Palma|Las Palmas de Gran Canaria|Bilbao|Alicante", passport: "AAA999999"},
	{code: "GRC", issuer: "GRC", weight: 10, eu: true, native: 100, style: styleWestern, names: &greekNames,
		places: "Athina|Thessaloniki|Patra|Irakleio|Larisa|Volos|Ioannina|Kavala|Chania", passport: "AA9999999"},
	{code: "ROU", issuer: "ROU", weight: 20, eu: true, style: styleWestern, names: &romanianNames,
		places: "București|Cluj-Napoca|Timișoara|Iași|Constanța|Craiova|Brașov|Galați|Ploiești|Oradea", passport: "999999999"},
}

// memberStates are the states of the Schengen area and the EU that issue
// alerts, visas and convictions, the busiest first.
const memberStates = "DE FR IT ES NL BE AT PL SE GR PT CZ HU RO BG HR FI DK SK SI LT LV EE LU MT CY IE CH NO IS LI"

// arrivalStates are the Member States at the external border where most
// irregular crossings are registered in Eurodac.
const arrivalStates = "IT GR ES MT CY BG HR"

// asylumStates are the Member States that receive most asylum applications.
const asylumStates = "DE FR ES IT AT NL BE GR SE IE"

// borderPoints are border crossing points of the EES: state, then name.
var borderPoints = [][2]string{
	{"DE", "Frankfurt am Main Airport"}, {"FR", "Paris-Charles de Gaulle"}, {"NL", "Amsterdam Schiphol"},
	{"ES", "Madrid-Barajas"}, {"IT", "Roma Fiumicino"}, {"DE", "München Airport"}, {"PL", "Dorohusk"},
	{"PL", "Medyka"}, {"AT", "Wien-Schwechat"}, {"HU", "Záhony"}, {"RO", "Siret"}, {"BG", "Kapitan Andreevo"},
	{"GR", "Kipoi"}, {"GR", "Athens International Airport"}, {"HR", "Bajakovo"}, {"FI", "Vaalimaa"},
	{"ES", "Algeciras"}, {"IT", "Milano Malpensa"}, {"PT", "Lisboa Humberto Delgado"}, {"BE", "Brussels Airport"},
	{"SK", "Vyšné Nemecké"}, {"LT", "Medininkai"}, {"EE", "Narva"}, {"LV", "Terehova"}, {"CZ", "Praha Václav Havel Airport"},
	{"SE", "Stockholm Arlanda"}, {"SI", "Obrežje"}, {"HU", "Röszke"}, {"MT", "Malta International Airport"}, {"CY", "Larnaca"},
}
