package names

import "strings"

// particleKind says how a name particle joins the name that follows it.
type particleKind uint8

const (
	notParticle particleKind = iota
	// separable particles (van, de, al, bin, …) are often left out: the
	// name without them is the same name.
	separable
	// prefixes (Mac, Mc, O') belong to the name: MacDonald is not Donald.
	prefix
)

// particle classifies a normalised word. Single letters (D', L', O') count
// only in a surname, where they cannot be initials.
func particle(w string, surname bool) particleKind {
	switch w {
	case "DE", "DEL", "DELLA", "DELLE", "DELLO", "DEI", "DEGLI", "DELA", "DI", "DA", "DAL", "DALLA",
		"DO", "DOS", "DAS", "DU", "DES", "LE", "LA", "LES", "LO",
		"VAN", "VANDER", "VANDEN", "VON", "DER", "DEN", "TER", "TEN", "ZU", "ZUR", "ZUM",
		"AL", "EL", "BIN", "BEN", "IBN", "BINT", "ABU", "ABOU", "BOU", "OULD":
		return separable
	case "MAC", "MC":
		return prefix
	case "D", "L":
		if surname {
			return separable
		}
	case "O":
		if surname {
			return prefix
		}
	}
	return notParticle
}

// joinedParticles are the particles that surnames often carry written
// together with the name (VANDERBERG, ALHASSAN); the name after them, if it
// has at least four letters, is the same name without its particle.
// Romance particles are left out: a word that starts with them is
// usually another name (DELGADO, DANIEL, LEONE). Longest first.
var joinedParticles = []string{"VANDER", "VANDEN", "VAN", "VON", "ABU", "IBN", "BIN", "AL", "EL"}

// word is one token of a name part: text is the token as matched, core
// the name without leading separable particles (equal to text when there
// are none).
type word struct {
	text, core string
}

// Tokens returns the normalised words of one name part with particles
// recognised: a particle, or a run of them, is joined to the name it
// precedes (VAN DER BERG → VANDERBERG, AL-HASSAN → ALHASSAN, O'BRIEN →
// OBRIEN), and Mc is written Mac (MCDONALD → MACDONALD), so that every
// spelling of a name with particles gives the same token. The part is read
// as a surname; in given names (see Prepare) the first word is never a
// particle, so that BEN or LA alone stays a given name. Particles that end
// a part are joined into one last token.
func Tokens(name string) []string {
	var buf [maxTokens]word
	ws := appendWords(buf[:0], Normalize(name), true, -1)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

// appendWords splits normalised text n into words with particles joined
// and appends them to dst until it holds limit words (no limit if limit is
// negative). Only words with particles allocate.
func appendWords(dst []word, n string, surname bool, limit int) []word {
	var pend [6]string
	np, sepEnd := 0, 0 // pending particles; those before sepEnd are separable
	for len(n) > 0 && len(dst) != limit {
		w, rest, _ := strings.Cut(n, " ")
		n = rest
		k := notParticle
		if surname || len(dst) > 0 || np > 0 {
			k = particle(w, surname)
		}
		if k != notParticle && n != "" && np < len(pend) {
			pend[np] = w
			np++
			if k == separable {
				sepEnd = np
			}
			continue
		}
		if np == 0 {
			t := macFix(w)
			dst = append(dst, word{text: t, core: joinedCore(t, surname)})
			continue
		}
		var b strings.Builder
		coreAt := 0
		for i, p := range pend[:np] {
			b.WriteString(macFix(p))
			if i+1 == sepEnd {
				coreAt = b.Len()
			}
		}
		b.WriteString(macFix(w))
		t := b.String()
		dst = append(dst, word{text: t, core: t[coreAt:]})
		np, sepEnd = 0, 0
	}
	return dst
}

// macFix writes the prefix Mc as Mac.
func macFix(w string) string {
	if strings.HasPrefix(w, "MC") && (len(w) == 2 || len(w) >= 4) {
		return "MAC" + w[2:]
	}
	return w
}

// joinedCore returns a surname without a particle written together with
// it (VANDERBERG → BERG, ALHASSAN → HASSAN), or t itself.
func joinedCore(t string, surname bool) string {
	if !surname {
		return t
	}
	for _, p := range joinedParticles {
		if len(t) >= len(p)+4 && strings.HasPrefix(t, p) {
			return t[len(p):]
		}
	}
	return t
}
