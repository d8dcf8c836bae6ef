package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"secunion"
)

// Warninglist is a list of values that must not correlate: private and
// reserved addresses, public resolvers, the hashes of the empty file,
// a national list of a provider's own hosts. The hub reads MISP's
// warninglist format (the JSON files of the misp-warninglists project), so
// the lists CSIRTs already keep work unchanged; of its types it takes
// string (the value itself), cidr (addresses in a prefix), hostname (a
// domain and its subdomains, in domains, URLs and e-mail addresses),
// substring, and regex (in Go's RE2 syntax; a PCRE-only entry is refused
// with its index named).
type Warninglist struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type"`
	Entries     int    `json:"entries"`

	strings  map[string]bool
	prefixes []netip.Prefix
	hosts    map[string]bool
	subs     []string
	regexps  []*regexp.Regexp
}

// MaxWarninglist is the largest warninglist file the hub reads.
const MaxWarninglist = 32 << 20

// ParseWarninglist reads a warninglist in MISP's JSON format, or says
// which field or entry is wrong.
func ParseWarninglist(data []byte) (*Warninglist, error) {
	if len(data) > MaxWarninglist {
		return nil, secunion.Errorf(secunion.TooLarge, "warninglist: %d bytes, at most %d", len(data), MaxWarninglist)
	}
	var f struct {
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Type        string   `json:"type"`
		List        []string `json:"list"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, secunion.Errorf(secunion.Invalid, "warninglist: not a MISP warninglist: %s", secunion.JSONProblem(err))
	}
	if strings.TrimSpace(f.Name) == "" {
		return nil, secunion.Errorf(secunion.Invalid, "warninglist: name: missing")
	}
	return NewWarninglist(f.Name, f.Description, f.Type, f.List)
}

// NewWarninglist builds a warninglist of type typ (string, cidr,
// hostname, substring or regex) from its entries.
func NewWarninglist(name, description, typ string, entries []string) (*Warninglist, error) {
	w := &Warninglist{Name: secunion.Clip(name, 200), Description: secunion.Clip(description, 1000), Type: typ, Entries: len(entries),
		strings: map[string]bool{}, hosts: map[string]bool{}}
	if len(entries) == 0 {
		return nil, secunion.Errorf(secunion.Invalid, "warninglist %q: list: empty", w.Name)
	}
	for i, e := range entries {
		e = strings.TrimSpace(e)
		bad := func(why string) error {
			return secunion.Errorf(secunion.Invalid, "warninglist %q: list[%d] %q: %s", w.Name, i, secunion.Clip(e, 64), why)
		}
		if e == "" {
			return nil, bad("empty")
		}
		switch typ {
		case "string":
			w.strings[strings.ToLower(e)] = true
			if v, err := ParseValue(e); err == nil {
				w.strings[v.Text] = true
			}
		case "cidr":
			v, err := normalizeIP(e)
			if err != nil {
				return nil, bad("not an address or prefix")
			}
			p, err := netip.ParsePrefix(v.Text)
			if err != nil {
				a := netip.MustParseAddr(v.Text)
				p = netip.PrefixFrom(a, a.BitLen())
			}
			w.prefixes = append(w.prefixes, p)
		case "hostname":
			d, err := normalizeDomain(strings.TrimPrefix(e, "."))
			if err != nil {
				return nil, bad("not a host name")
			}
			w.hosts[d] = true
		case "substring":
			w.subs = append(w.subs, strings.ToLower(e))
		case "regex":
			src := e
			// MISP writes some entries between slashes, PHP style.
			if len(src) > 2 && src[0] == '/' {
				if j := strings.LastIndexByte(src, '/'); j > 0 {
					flags := src[j+1:]
					src = src[1:j]
					if strings.Contains(flags, "i") {
						src = "(?i)" + src
					}
				}
			}
			re, err := regexp.Compile(src)
			if err != nil {
				return nil, bad("not an RE2 expression: " + err.Error())
			}
			w.regexps = append(w.regexps, re)
		default:
			return nil, secunion.Errorf(secunion.Invalid, "warninglist %q: type: %q is not string, cidr, hostname, substring or regex", w.Name, secunion.Clip(typ, 40))
		}
	}
	return w, nil
}

// Match reports whether v is on the list.
func (w *Warninglist) Match(v Value) bool {
	switch w.Type {
	case "string":
		return w.strings[v.Text]
	case "cidr":
		if v.Kind != KindIPv4 && v.Kind != KindIPv6 {
			return false
		}
		p, err := netip.ParsePrefix(v.Text)
		if err != nil {
			a, err := netip.ParseAddr(v.Text)
			if err != nil {
				return false
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		for _, q := range w.prefixes {
			if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
				return true
			}
		}
	case "hostname":
		host := hostOf(v)
		for host != "" {
			if w.hosts[host] {
				return true
			}
			_, host, _ = strings.Cut(host, ".")
		}
	case "substring":
		for _, s := range w.subs {
			if strings.Contains(v.Text, s) {
				return true
			}
		}
	case "regex":
		for _, re := range w.regexps {
			if re.MatchString(v.Text) {
				return true
			}
		}
	}
	return false
}

// hostOf returns the domain a value names: the domain itself, a URL's
// host, an e-mail address's domain.
func hostOf(v Value) string {
	switch v.Kind {
	case KindDomain:
		return v.Text
	case KindEmail:
		return v.Text[strings.LastIndexByte(v.Text, '@')+1:]
	case KindURL:
		_, rest, _ := strings.Cut(v.Text, "://")
		host, _, _ := strings.Cut(rest, "/")
		host, _, _ = strings.Cut(host, "?")
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
			host = host[:i]
		}
		return host
	}
	return ""
}

// Warninglists are the lists a hub applies; the first that matches a
// value names it.
type Warninglists []*Warninglist

// Match returns the name of the first list v is on, or "".
func (ws Warninglists) Match(v Value) string {
	for _, w := range ws {
		if w.Match(v) {
			return w.Name
		}
	}
	return ""
}

// DefaultWarninglists returns the lists every hub applies unless told
// otherwise: the values that turn up in real feeds by mistake and would
// otherwise correlate everything with everything. Documentation and
// benchmarking ranges (RFC 5737, RFC 2544) and .example domains are not
// among them: real feeds do not carry them, and the hub's synthetic
// corpora use them precisely so that they name no real host.
func DefaultWarninglists() Warninglists {
	must := func(name, description, typ string, entries ...string) *Warninglist {
		w, err := NewWarninglist(name, description, typ, entries)
		if err != nil {
			panic(fmt.Sprintf("default warninglist: %v", err))
		}
		return w
	}
	return Warninglists{
		must("Private and special-purpose addresses", "RFC 1918, RFC 6598, loopback, link-local, multicast, unspecified and reserved blocks (RFC 6890)", "cidr",
			"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
			"192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
			"::/128", "::1/128", "100::/64", "fc00::/7", "fe80::/10", "ff00::/8"),
		must("Public DNS resolvers", "The anycast addresses of the large public resolvers, which malware and benign software alike contact", "string",
			"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222", "208.67.220.220",
			"2001:4860:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111", "2606:4700:4700::1001", "2620:fe::fe"),
		must("Local host names", "Names that never leave a host or a local network", "hostname",
			"localhost", "localdomain", "local", "invalid", "home.arpa"),
		must("Hashes of the empty file", "MD5, SHA-1, SHA-256 and SHA-512 of zero bytes", "string",
			"d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
	}
}
