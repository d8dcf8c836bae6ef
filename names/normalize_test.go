package names

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"secunion"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		// Latin: case, diacritics, letters that do not decompose.
		{"José", "JOSE"},
		{"Müller", "MULLER"},
		{"José María García López", "JOSE MARIA GARCIA LOPEZ"},
		{"Straße", "STRASSE"},
		{"ẞ", "SS"},
		{"Øyvind Ærø", "OYVIND AERO"},
		{"Œdipe", "OEDIPE"},
		{"Łukasz Wałęsa", "LUKASZ WALESA"},
		{"Đoković", "DOKOVIC"},
		{"Þórunn Guðmundsdóttir", "THORUNN GUDMUNDSDOTTIR"},
		{"Çağrı Yılmaz", "CAGRI YILMAZ"},
		{"İbrahim", "IBRAHIM"},
		{"Nguyễn Thị Hương", "NGUYEN THI HUONG"},
		{"Dvořák Šťastný", "DVORAK STASTNY"},
		{"Ångström", "ANGSTROM"},
		// Decomposed input gives the same as precomposed.
		{"Jose\u0301", "JOSE"},
		{"Mu\u0308ller", "MULLER"},
		// Separators.
		{"O'Brien", "O BRIEN"},
		{"O’Brien", "O BRIEN"},
		{"Al-Hassan", "AL HASSAN"},
		{"St. John", "ST JOHN"},
		{"  van   der\tBerg  ", "VAN DER BERG"},
		{"Jean-Paul", "JEAN PAUL"},
		{"Anna–Maria", "ANNA MARIA"}, // en dash
		{"Louis XIV 2nd", "LOUIS XIV ND"},
		{"\u00a0Anna\u00a0", "ANNA"},
		{"soft\u00adhyphen", "SOFTHYPHEN"},
		{"", ""},
		{"---", ""},
		// Compatibility forms (NFKC).
		{"ＪＯＳＥ", "JOSE"},
		{"ﬁnn", "FINN"},
		{"Ĳsselmeer", "IJSSELMEER"},
		{"ǅuro", "DZURO"},
		// Scripts without a table break words.
		{"李 Li", "LI"},
		{"שלום Cohen", "COHEN"},
		// Already normal: returned as is.
		{"SMITH JOHN", "SMITH JOHN"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTransliterate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// Russian, the whole ICAO table.
		{"ru alphabet", "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", "ABVGDEEZHZIIKLMNOPRSTUFKHTSCHSHSHCHIEYEIUIA"},
		{"ru lower", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "ABVGDEEZHZIIKLMNOPRSTUFKHTSCHSHSHCHIEYEIUIA"},
		{"ru", "Александр Щербаков", "ALEKSANDR SHCHERBAKOV"},
		{"ru", "Юрий Хрущёв", "IURII KHRUSHCHEV"},
		{"ru", "Наталья Ёлкина", "NATALIA ELKINA"},
		{"ru", "Дмитрий Медведев", "DMITRII MEDVEDEV"},
		{"ru", "Екатерина Жукова", "EKATERINA ZHUKOVA"},
		{"ru decomposed й", "Сергеи\u0306", "SERGEI"},
		// Ukrainian (Г H, И Y, apostrophe dropped).
		{"uk", "Олександр Шевченко", "OLEKSANDR SHEVCHENKO"},
		{"uk", "Ігор Мар'яна", "IHOR MARIANA"},
		{"uk", "Сергій Григоренко", "SERHII HRYHORENKO"},
		{"uk", "Євгенія Їжакевич", "IEVHENIIA IZHAKEVYCH"},
		{"uk", "Ґалаґан Дмитро", "GALAGAN DMYTRO"},
		{"uk read as ru without a Ukrainian letter", "Володимир Зеленський", "VOLODIMIR ZELENSKII"},
		{"uk", "Володимир Зеленський Олексійович", "VOLODYMYR ZELENSKYI OLEKSIIOVYCH"},
		// Belarusian (ICAO examples).
		{"be", "Бабрыковіч Аляксандр", "BABRYKOVICH ALIAKSANDR"},
		{"be", "Міховіч Марыя", "MIKHOVICH MARYIA"},
		{"be", "СВЯТЛАНА", "SVIATLANA"},
		{"be", "Ігар", "IHAR"},
		{"be", "Мікалай", "MIKALAI"},
		{"be", "Палто Алена", "PALTO ALENA"},
		{"be Ў Ё", "Ўладзімір Сёмуха", "ULADZIMIR SIOMUKHA"},
		// Bulgarian (Ъ a vowel, Щ SHT).
		{"bg", "Ъглов Щерев Стъпан", "AGLOV SHTEREV STAPAN"},
		// Serbian and Macedonian.
		{"sr", "Ђорђе Јовановић", "DORDE JOVANOVIC"},
		{"sr", "Љубица Њежић Џаковић", "LJUBICA NJEZIC DZAKOVIC"},
		{"sr", "Шћепан Чолић Хаџић", "SCEPAN COLIC HADZIC"},
		{"mk", "Ѓорѓи Ќосев Ѕвездан", "GJORGJI KJOSEV DZVEZDAN"},
		{"mk", "Ѓорѓи Џемаилоски Шуменко", "GJORGJI DJEMAILOSKI SHUMENKO"},
		// Greek (ICAO 9303 / ELOT 743).
		{"el", "Αλέξανδρος Παπαδόπουλος", "ALEXANDROS PAPADOPOULOS"},
		{"el", "ΑΛΕΞΑΝΔΡΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "ALEXANDROS PAPADOPOULOS"},
		{"el", "Γιάννης Μπακογιάννης", "GIANNIS BAKOGIANNIS"},
		{"el", "Ευάγγελος Ντόρας", "EVANGELOS DORAS"},
		{"el ευ before voiceless", "Ευθύμιος Ευστρατίου", "EFTHYMIOS EFSTRATIOU"},
		{"el αυ", "Αύγουστος Ναύπλιο", "AVGOUSTOS NAFPLIO"},
		{"el diaeresis breaks the digraph", "Ευφροσύνη Χαΐδω Προϊδής", "EFFROSYNI CHAIDO PROIDIS"},
		{"el γκ", "Αγκαθή Γκίκας", "ANGATHI GIKAS"},
		{"el μπ medial", "Λάμπρος", "LAMPROS"},
		{"el", "Χρήστος Ψαρράς Ωραιόπουλος", "CHRISTOS PSARRAS ORAIOPOULOS"},
		{"el final sigma", "Νίκος", "NIKOS"},
		{"el polytonic", "Ἀθηνᾶ", "ATHINA"},
		// Arabic (ICAO consonants without the X escape).
		{"ar", "محمد عبد الله", "MHMD EBD ALLH"},
		{"ar harakat", "مُحَمَّد", "MUHAMMAD"},
		{"ar shadda before fatha", "مُحَمّ\u064Eد", "MUHAMMAD"},
		{"ar article", "الحسن", "AL HSN"},
		{"ar article not before short words", "الله", "ALLH"},
		{"ar one word", "عبدالله", "EBDALLH"},
		{"ar ta marbuta", "فاطمة", "FATMA"},
		{"ar waw yeh", "يوسف محمود علي", "YUSF MHMUD ELI"},
		{"ar waw consonant", "وليد داود", "WLID DAWD"},
		{"ar emphatics", "صلاح ضياء طارق ظافر", "SLAH DYA TARQ ZAFR"},
		{"ar", "خالد ثامر ذياب شريف غسان", "KHALD THAMR DHYAB SHRIF GSAN"},
		{"ar waw before yeh", "نويد عويس", "NWID EWIS"},
		{"ar hamza", "أحمد إبراهيم", "AHMD IBRAHIM"},
		{"ar alif maqsura", "مصطفى", "MSTFA"},
		{"ar presentation forms", "ﻣﺤﻤﺪ", "MHMD"},
		{"ar comma", "علي، حسن", "ELI HSN"},
		{"fa", "پرویز چنگیز ژاله گلی", "PRWIZ CHNGIZ ZHALH GLI"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestDetectCyrillic(t *testing.T) {
	tests := []struct {
		in   string
		want cyrLang
	}{
		{"Александр", langRussian},
		{"Олександр", langRussian}, // no letter only Ukrainian has
		{"Олексій", langUkrainian},
		{"Євген", langUkrainian},
		{"Ґалаґан", langUkrainian},
		{"Ўладзімір", langBelarusian},
		{"Міхась Быкаў", langBelarusian},
		{"Мікалай Лукашэнка", langBelarusian},
		{"Стъпан", langBulgarian},
		{"Подъячев", langRussian}, // Ъ before a vowel is the Russian hard sign
		{"Ђорђе", langSerbian},
		{"Јован", langSerbian},
		{"Ѓорѓи", langMacedonian},
	}
	for _, tt := range tests {
		if got := detectCyrillic(tt.in); got != tt.want {
			t.Errorf("detectCyrillic(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"José María", true},
		{"Олександр Шевченко", true},
		{"محمد عبد الله", true},
		{"زهرا\u200cسادات", true}, // zero-width non-joiner, common in Persian names
		{strings.Repeat("a", MaxBytes), true},
		{"", true},
		{strings.Repeat("a", MaxBytes+1), false},
		{strings.Repeat("é", MaxBytes/2+1), false},
		{"Jos\xe9", false},
		{"\xff\xfe", false},
		{"Anna\nSmith", false},
		{"Anna\tSmith", false},
		{"Anna\x00", false},
		{"Anna\x7f", false},
		{"Anna\u0085", false},
		{"Anna\u202eSmith", false}, // right-to-left override
		{"Anna\u2066Smith", false}, // left-to-right isolate
	}
	for _, tt := range tests {
		err := Check(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		if secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("Check(%q) code = %s, want invalid", tt.in, secunion.CodeOf(err))
		}
		if tt.in != "" && len(tt.in) > 4 && strings.Contains(err.Error(), tt.in) {
			t.Errorf("Check(%q) repeats the name in its message %q", tt.in, err)
		}
	}
}

// TestNormalizeProperties checks, on random text mixing every script the
// package reads, that Normalize writes only A–Z words with single spaces
// and is idempotent.
func TestNormalizeProperties(t *testing.T) {
	alphabet := []rune("aZé ÜßØłđþ-'.’ Ёжщъыї ґ Ђћџ ѓќ Αάΐϋ ΜΠΝΤΓΚ ςΩ محمدعلىةيوءأ ًٌُّ ﻣﺤ ＡＢ ﬁ 李 1\u0301\u0308\u200c")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		in := b.String()
		got := Normalize(in)
		if !inAlphabet(got) {
			t.Fatalf("Normalize(%q) = %q: not A–Z words with single spaces", in, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", in, got, again)
		}
	}
}

// inAlphabet reports whether s is A–Z words separated by single spaces.
func inAlphabet(s string) bool { return isNormal(s) }

func TestNormalizeDoesNotCopyNormalText(t *testing.T) {
	s := "GARCIA LOPEZ"
	if n := testing.AllocsPerRun(100, func() { Normalize(s) }); n != 0 {
		t.Errorf("Normalize of normal text allocates %.0f times", n)
	}
	if n := testing.AllocsPerRun(100, func() { Normalize("José García") }); n != 1 {
		t.Errorf("Normalize allocates %.0f times, want 1", n)
	}
}

// TestNeedsNFKC checks the shortcut against the real quick check: every
// single rune it lets through is already NFKC.
func TestNeedsNFKC(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if !needsNFKC(s) && !norm.NFKC.IsNormalString(s) {
			t.Errorf("needsNFKC(%U) = false, but NFKC changes it to %q", r, norm.NFKC.String(s))
		}
	}
}

// TestTables checks that every spelling in the transliteration tables is
// in the matching alphabet, so that Normalize and Variants cannot write
// anything else.
func TestTables(t *testing.T) {
	check := func(where string, g *seg) {
		for _, f := range append(append([]string{}, g.forms...), g.extra...) {
			if strings.Trim(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				t.Errorf("%s: spelling %q is not A–Z", where, f)
			}
		}
	}
	for i := range cyrillic {
		check(string(rune(0x400+i)), &cyrillic[i])
	}
	for i := range greek {
		check(string(rune('Α'+i)), &greek[i])
	}
	for i := range arabic {
		check(string(rune(0x600+i)), &arabic[i])
	}
	lt := loadLatinTable()
	for r, g := range lt.low {
		if g != nil {
			check(string(rune(r)), g)
		}
	}
	for i, g := range lt.extended {
		if g != nil {
			check(string(rune(0x1E00+i)), g)
		}
	}
	for _, g := range []*seg{&cyrE, &cyrYo, &ukrG, &ukrI, &belE, &bulSht, &bulA, &srpZ, &srpH, &srpC, &srpCh, &srpS,
		&mkdGJ, &mkdKJ, &mkdDJ, &mkdCh, &grOU, &grAI, &grEI, &grOI, &grAV, &grAF, &grEV, &grEF, &grIV, &grIF,
		&grMPi, &grMP, &grNTi, &grNT, &grNG, &grGKi, &grGK, &grNX, &grNCH, &grGIvow,
		&arW, &arU, &arY, &arI, &arTaFinal, &arTa, &arArticle} {
		check("contextual", g)
	}
}

func TestNormalizeValidUTF8Output(t *testing.T) {
	for _, in := range []string{"\xff", "a\xc3", "Jos\xe9 Garc\xeda"} {
		got := Normalize(in)
		if !utf8.ValidString(got) || !inAlphabet(got) {
			t.Errorf("Normalize(%q) = %q", in, got)
		}
	}
	if got := Normalize("Jos\xe9 Garc\xeda"); got != "JOS GARC A" {
		t.Errorf("Normalize of Latin-1 bytes = %q, want the invalid bytes read as word breaks", got)
	}
}
