package alerts

import (
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"secunion"
)

// Value is an observable value the hub correlates: a kind and the value
// in its canonical form, so that the same address, domain or hash written
// two ways is one value.
type Value struct {
	Kind string `json:"kind"`
	Text string `json:"value"`
}

// The kinds of observable values. Hashes take the STIX algorithm name in
// lower case as their kind ("md5", "sha-1", "sha-256", "sha-512",
// "sha3-256", "sha3-512", "ssdeep", "tlsh").
const (
	KindIPv4    = "ipv4"
	KindIPv6    = "ipv6"
	KindDomain  = "domain"
	KindURL     = "url"
	KindEmail   = "email"
	KindMAC     = "mac"
	KindAccount = "account"
	KindHashtag = "hashtag"
)

// hashLengths are the hex lengths of the fixed-length STIX hash
// algorithms; ssdeep and TLSH have none.
var hashLengths = map[string]int{"md5": 32, "sha-1": 40, "sha-256": 64, "sha-512": 128, "sha3-256": 64, "sha3-512": 128}

// Kinds are the kinds of value the hub correlates, as a form offers them.
var Kinds = []string{KindIPv4, KindIPv6, KindDomain, KindURL, KindEmail, KindMAC, KindAccount, KindHashtag,
	"md5", "sha-1", "sha-256", "sha-512", "sha3-256", "sha3-512", "ssdeep", "tlsh"}

// IsKind reports whether kind is a kind of value the hub correlates.
func IsKind(kind string) bool { return slices.Contains(Kinds, kind) }

// MaxValue is the longest value the hub correlates, in bytes; a longer
// one (a URL with a huge query) is not indexed and not looked up.
const MaxValue = 2048

var (
	macForm     = regexp.MustCompile(`^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$`)
	hashtagForm = regexp.MustCompile(`^[\p{L}\p{N}_]+$`)
	hashtagText = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&/#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)`)
	hexForm     = regexp.MustCompile(`^[0-9a-f]+$`)
)

// idnaProfile maps a domain to its ASCII form as a resolver looks it up:
// the lookup profile of IDNA 2008 (UTS 46), so that bücher.example and
// xn--bcher-kva.example are one domain. Underscores are kept, as DNS
// labels of service records and malware domains have them.
var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

// NormalizeValue returns the canonical form of text as a value of kind,
// or an Invalid error saying what is wrong: addresses as net/netip writes
// them (an IPv4-mapped IPv6 address is IPv4; a CIDR is its masked
// prefix), domains in lower-case ASCII without the final dot, URLs with
// scheme and host normalised and the fragment dropped, e-mail addresses
// in lower case with their domain normalised, hashes in lower-case hex of
// their algorithm's length, MAC addresses with colons, accounts in lower
// case, hashtags without '#' in lower case and Unicode NFC.
func NormalizeValue(kind, text string) (Value, error) {
	v := Value{Kind: kind}
	text = strings.TrimSpace(text)
	if text == "" {
		return v, secunion.Errorf(secunion.Invalid, "value: empty")
	}
	if len(text) > MaxValue {
		return v, secunion.Errorf(secunion.TooLarge, "value: %d bytes, the hub correlates values of at most %d", len(text), MaxValue)
	}
	var err error
	switch kind {
	case KindIPv4, KindIPv6:
		v, err = normalizeIP(text)
		if err == nil && v.Kind != kind {
			err = secunion.Errorf(secunion.Invalid, "value: %q is an %s address, not %s", secunion.Clip(text, 64), v.Kind, kind)
		}
	case KindDomain:
		v.Text, err = normalizeDomain(text)
	case KindURL:
		v.Text, err = normalizeURL(text)
	case KindEmail:
		v.Text, err = normalizeEmail(text)
	case KindMAC:
		t := strings.ToLower(text)
		if !macForm.MatchString(t) {
			return v, secunion.Errorf(secunion.Invalid, "value: %q is not a MAC address (six hex octets)", secunion.Clip(text, 64))
		}
		v.Text = strings.ReplaceAll(t, "-", ":")
	case KindAccount:
		v.Text = strings.ToLower(norm.NFC.String(text))
	case KindHashtag:
		t := strings.ToLower(norm.NFC.String(strings.TrimPrefix(text, "#")))
		if !hashtagForm.MatchString(t) {
			return v, secunion.Errorf(secunion.Invalid, "value: %q is not a hashtag (letters, digits and _)", secunion.Clip(text, 64))
		}
		v.Text = t
	case "ssdeep", "tlsh":
		v.Text = strings.ToLower(text)
	default:
		n, ok := hashLengths[kind]
		if !ok {
			return v, secunion.Errorf(secunion.Invalid, "kind: %q is not a kind of value the hub correlates", secunion.Clip(kind, 40))
		}
		t := strings.ToLower(text)
		if len(t) != n || !hexForm.MatchString(t) {
			return v, secunion.Errorf(secunion.Invalid, "value: a %s hash is %d hex digits", strings.ToUpper(kind), n)
		}
		v.Text = t
	}
	return v, err
}

// ParseValue returns the value text names, its kind told from its form:
// "#word" a hashtag, an address or CIDR, a URL with a scheme, an e-mail
// address, 32, 40, 64 or 128 hex digits MD5, SHA-1, SHA-256 or SHA-512
// (give the kind for SHA3), a MAC address, else a domain. Accounts have
// no form of their own: name their kind.
func ParseValue(text string) (Value, error) {
	t := strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(t, "#"):
		return NormalizeValue(KindHashtag, t)
	case strings.Contains(t, "://"):
		return NormalizeValue(KindURL, t)
	case strings.Contains(t, "@"):
		return NormalizeValue(KindEmail, t)
	case macForm.MatchString(strings.ToLower(t)):
		return NormalizeValue(KindMAC, t)
	}
	if v, err := normalizeIP(t); err == nil {
		return v, nil
	}
	if hexForm.MatchString(strings.ToLower(t)) {
		for _, k := range []string{"md5", "sha-1", "sha-256", "sha-512"} {
			if len(t) == hashLengths[k] {
				return NormalizeValue(k, t)
			}
		}
	}
	if !strings.Contains(t, ".") {
		return Value{}, secunion.Errorf(secunion.Invalid, "value: %q has no form the hub knows; name its kind (account, hashtag, ...)", secunion.Clip(t, 64))
	}
	return NormalizeValue(KindDomain, t)
}

// normalizeIP reads an IPv4 or IPv6 address or CIDR prefix.
func normalizeIP(text string) (Value, error) {
	kind := func(a netip.Addr) string {
		if a.Is4() {
			return KindIPv4
		}
		return KindIPv6
	}
	if strings.Contains(text, "/") {
		p, err := netip.ParsePrefix(text)
		if err != nil {
			return Value{}, secunion.Errorf(secunion.Invalid, "value: %q is not an address prefix", secunion.Clip(text, 64))
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		if p.Bits() == p.Addr().BitLen() {
			return Value{Kind: kind(p.Addr()), Text: p.Addr().String()}, nil
		}
		return Value{Kind: kind(p.Addr()), Text: p.String()}, nil
	}
	a, err := netip.ParseAddr(text)
	if err != nil {
		return Value{}, secunion.Errorf(secunion.Invalid, "value: %q is not an IP address", secunion.Clip(text, 64))
	}
	a = a.Unmap().WithZone("")
	return Value{Kind: kind(a), Text: a.String()}, nil
}

// normalizeDomain returns the lower-case ASCII form of a domain name.
func normalizeDomain(text string) (string, error) {
	d, err := idnaProfile.ToASCII(strings.TrimSuffix(text, "."))
	if err != nil || d == "" || len(d) > 253 {
		return "", secunion.Errorf(secunion.Invalid, "value: %q is not a domain name", secunion.Clip(text, 64))
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 {
			return "", secunion.Errorf(secunion.Invalid, "value: %q is not a domain name (an empty or overlong label)", secunion.Clip(text, 64))
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", secunion.Errorf(secunion.Invalid, "value: %q is not a domain name (%q in a label)", secunion.Clip(text, 64), c)
			}
		}
	}
	return d, nil
}

// normalizeURL lowers a URL's scheme and host, normalises its host as a
// domain or address, drops a default port and the fragment, and keeps
// path and query as written.
func normalizeURL(text string) (string, error) {
	u, err := url.Parse(text)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", secunion.Errorf(secunion.Invalid, "value: %q is not an absolute URL", secunion.Clip(text, 64))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if a, err := netip.ParseAddr(host); err == nil {
		host = a.Unmap().String()
		if a.Unmap().Is6() {
			host = "[" + host + "]"
		}
	} else if host, err = normalizeDomain(host); err != nil {
		return "", secunion.Errorf(secunion.Invalid, "value: %q is not a URL with a valid host", secunion.Clip(text, 64))
	}
	if port != "" && !(u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443") {
		host += ":" + port
	}
	u.Host, u.Fragment, u.RawFragment = host, "", ""
	return u.String(), nil
}

// normalizeEmail lowers an address and normalises its domain. Local parts
// are case-sensitive by the letter of RFC 5321 and case-insensitive at
// every provider that matters; the hub correlates them as the latter.
func normalizeEmail(text string) (string, error) {
	at := strings.LastIndexByte(text, '@')
	if at <= 0 || strings.ContainsAny(text, " \t<>") {
		return "", secunion.Errorf(secunion.Invalid, "value: %q is not an e-mail address", secunion.Clip(text, 64))
	}
	d, err := normalizeDomain(text[at+1:])
	if err != nil {
		return "", secunion.Errorf(secunion.Invalid, "value: %q is not an e-mail address with a valid domain", secunion.Clip(text, 64))
	}
	return strings.ToLower(text[:at]) + "@" + d, nil
}

// Values returns the observable values o holds, each once: the value of
// an address, domain, URL, e-mail or MAC object; the hashes of files,
// artifacts and certificates; a user account's login and id; the values
// an indicator's STIX pattern compares for equality (not under NOT); and
// the hashtags in the text of any SDO (name, description, content,
// abstract), which is where disinformation narratives carry them. Values
// that do not normalise are left out: the index holds only what a lookup
// can find.
func Values(o Object) []Value {
	var out []Value
	seen := map[Value]bool{}
	add := func(kind, text string) {
		if text == "" {
			return
		}
		var v Value
		var err error
		if kind == "" {
			v, err = normalizeIP(text)
		} else {
			v, err = NormalizeValue(kind, text)
		}
		if err == nil && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	str := func(name string) string { s, _ := o.Props[name].(string); return s }
	switch o.Type {
	case "ipv4-addr", "ipv6-addr":
		add("", str("value"))
	case "domain-name":
		add(KindDomain, str("value"))
	case "url":
		add(KindURL, str("value"))
	case "email-addr":
		add(KindEmail, str("value"))
	case "mac-addr":
		add(KindMAC, str("value"))
	case "user-account":
		add(KindAccount, str("account_login"))
		add(KindAccount, str("user_id"))
	case "file", "artifact", "x509-certificate":
		if hs, ok := o.Props["hashes"].(map[string]any); ok {
			for algo, h := range hs {
				s, _ := h.(string)
				add(strings.ToLower(algo), s)
			}
		}
	case "indicator":
		if pt := str("pattern_type"); pt == "" || pt == "stix" {
			if p, err := ParsePattern(str("pattern")); err == nil {
				for _, c := range p.Comparisons() {
					if c.Negated || (c.Operator != "=" && c.Operator != "IN") {
						continue
					}
					kind, ok := patternKind(c.ObjectType, c.Path)
					if !ok {
						continue
					}
					for _, val := range c.Values {
						add(kind, val)
					}
				}
			}
		}
	}
	if ClassOf(o.Type) == SDO || ClassOf(o.Type) == Custom {
		for _, name := range []string{"name", "description", "content", "abstract"} {
			for _, m := range hashtagText.FindAllStringSubmatch(str(name), -1) {
				add(KindHashtag, m[1])
			}
		}
	}
	return out
}

// patternKind returns the kind of value a comparison of a STIX pattern
// compares, for the paths that name an observable value; "" is an
// address of either family.
func patternKind(typ, path string) (string, bool) {
	switch {
	case (typ == "ipv4-addr" || typ == "ipv6-addr") && path == "value",
		typ == "network-traffic" && (path == "src_ref.value" || path == "dst_ref.value"):
		return "", true
	case typ == "domain-name" && path == "value":
		return KindDomain, true
	case typ == "url" && path == "value":
		return KindURL, true
	case typ == "email-addr" && path == "value",
		typ == "email-message" && (path == "from_ref.value" || path == "sender_ref.value"):
		return KindEmail, true
	case typ == "mac-addr" && path == "value":
		return KindMAC, true
	case typ == "user-account" && (path == "account_login" || path == "user_id"):
		return KindAccount, true
	case (typ == "file" || typ == "artifact" || typ == "x509-certificate") && strings.HasPrefix(path, "hashes."):
		return strings.ToLower(strings.Trim(strings.TrimPrefix(path, "hashes."), "'")), true
	}
	return "", false
}
