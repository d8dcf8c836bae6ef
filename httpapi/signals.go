package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"

	"secunion"
	"secunion/access"
	"secunion/signals"
)

// signalLookup is the answer of a hash lookup.
type signalLookup struct {
	Algorithm signals.Algorithm `json:"algorithm"`
	Value     string            `json:"value"`
	Distance  int               `json:"distance"`
	Matches   []signals.Hit     `json:"matches"`
}

// matcher returns the node's matcher for a caller who may look hashes
// up, or answers why not.
func (s *Server) matcher(w http.ResponseWriter, r *http.Request) (*signals.Matcher, bool) {
	if s.cfg.Signals == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no hash matcher"))
		return nil, false
	}
	if !s.mayMatch(w, r) {
		return nil, false
	}
	return s.cfg.Signals, true
}

// mayMatch reports whether the caller may hash, look up and read the
// hash banks; if not, it answers 403, the refusal audited.
func (s *Server) mayMatch(w http.ResponseWriter, r *http.Request) bool {
	if access.CanMatchHashes(actorOf(r)) {
		return true
	}
	s.fail(w, r, errNoBanks)
	return false
}

// errNoBanks refuses the hash banks to the authorities that do not use
// them.
var errNoBanks = secunion.Errorf(secunion.Forbidden, "the hash banks are for hosting service providers, competent authorities and Europol")

// lookupDistance reads the distance parameter: DefaultDistance when
// absent.
func lookupDistance(r *http.Request) (int, error) {
	d := r.URL.Query().Get("distance")
	if d == "" {
		return signals.DefaultDistance, nil
	}
	n, err := strconv.Atoi(d)
	if err != nil || n < 0 || n > signals.MaxDistance {
		return 0, secunion.Errorf(secunion.Invalid, "distance: give a whole number from 0 to %d", signals.MaxDistance)
	}
	return n, nil
}

// hits reads the entries a lookup found, counts the lookup under kind
// (the algorithm looked up, or "file" for all the hashes of a file), logs
// each match and, for a provider's lookup that matched a crisis
// incident's bank, counts an upload blocked.
func (s *Server) hits(r *http.Request, kind string, ms []signals.Match) ([]signals.Hit, error) {
	hits, err := s.cfg.DB.SignalHits(r.Context(), ms)
	if err != nil {
		return nil, err
	}
	outcome := "none"
	if len(hits) > 0 {
		outcome = "match"
		actor := actorOf(r)
		// A provider's lookup that matches a crisis incident's bank is an
		// upload attempt blocked: the incident's figures count it.
		// Failing to count it must not let the upload through.
		if err := s.cfg.DB.NoteBlockedUploads(r.Context(), actor, hits); err != nil {
			s.log.Error("crisis: an upload blocked was not counted", "authority", actor.Authority, "err", err)
		}
		for _, h := range hits {
			s.log.Info("signals: match", "authority", actor.Authority, "algorithm", h.Entry.Algorithm, "entry", h.Entry.ID, "bank", h.Entry.Bank, "distance", h.Distance)
		}
	}
	s.metrics.lookups.WithLabelValues(kind, outcome).Inc()
	return hits, nil
}

// lookupSignal answers whether a hash is in the enabled entries of the
// banks (HMA's raw lookup): for PDQ every entry within the distance (31
// by default, at most 47), nearest first.
func (s *Server) lookupSignal(w http.ResponseWriter, r *http.Request) {
	m, ok := s.matcher(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	alg, err := signals.ParseAlgorithm(q.Get("algorithm"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	distance, err := lookupDistance(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	value, err := alg.CheckValue(q.Get("value"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := m.Lookup(alg, value, distance)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hits, err := s.hits(r, string(alg), ms)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, signalLookup{Algorithm: alg, Value: value, Distance: distance, Matches: hits})
}

// contentHashes are the hashes of an uploaded file as the API gives
// them: the cryptographic hashes, and for an image its PDQ hash with
// quality, and with dihedral=true the other seven variants by name.
type contentHashes struct {
	signals.ContentHashes
	PDQ      string            `json:"pdq,omitempty"`
	Dihedral map[string]string `json:"pdq_dihedral,omitempty"`
}

// readUpload reads the file of a hash or lookup request, sent as the body
// or as the form field "file" of a multipart body, and hashes it.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (contentHashes, bool) {
	body := io.Reader(http.MaxBytesReader(w, r.Body, signals.MaxImageBytes+1<<20))
	if mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr := multipart.NewReader(body, params["boundary"])
		part, err := mr.NextPart()
		for err == nil && part.FormName() != "file" {
			part, err = mr.NextPart()
		}
		if err != nil {
			s.fail(w, r, uploadError(err, "the multipart body holds no part named file"))
			return contentHashes{}, false
		}
		body = part
	}
	data, err := io.ReadAll(io.LimitReader(body, signals.MaxImageBytes+1))
	if err != nil {
		s.fail(w, r, uploadError(err, "the file could not be read"))
		return contentHashes{}, false
	}
	if len(data) == 0 {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "send the file as the request body, or as the multipart form field named file"))
		return contentHashes{}, false
	}
	c, err := signals.HashContent(data)
	if err != nil {
		s.fail(w, r, err)
		return contentHashes{}, false
	}
	out := contentHashes{ContentHashes: c}
	if c.PDQ != nil {
		out.PDQ = c.PDQ[signals.Original].String()
		if dihedral, _ := strconv.ParseBool(r.URL.Query().Get("dihedral")); dihedral {
			out.Dihedral = map[string]string{}
			for v, h := range c.PDQ {
				out.Dihedral[signals.VariantNames[v]] = h.String()
			}
		}
	}
	return out, true
}

// uploadError says why an upload could not be read: too large, not
// arrived in time, broken off, or what is wrong with the multipart form.
func uploadError(err error, what string) error {
	if err == io.EOF {
		return secunion.Errorf(secunion.Invalid, "%s", what)
	}
	var netErr net.Error
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return bodyError(err, fmt.Sprintf("the file is larger than %d MiB", signals.MaxImageBytes>>20), UploadTimeout)
	}
	return secunion.Errorf(secunion.Invalid, "%s: %s", what, secunion.Clip(err.Error(), 200))
}

// hashContent hashes an uploaded file (HMA's hash): MD5, SHA-256 and
// SHA-512, and for a JPEG, PNG or GIF image its PDQ hash and quality.
func (s *Server) hashContent(w http.ResponseWriter, r *http.Request) {
	if !s.mayMatch(w, r) {
		return
	}
	c, ok := s.readUpload(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// fileLookup is the answer of a file lookup: the file's hashes and every
// entry any of them matched.
type fileLookup struct {
	Hashes   contentHashes `json:"hashes"`
	Distance int           `json:"distance"`
	PDQNote  string        `json:"pdq_note,omitempty"` // why the PDQ hash was not looked up
	Matches  []signals.Hit `json:"matches"`
}

// lookupContent hashes an uploaded file and looks every hash up at once
// (HMA's lookup of a file): its cryptographic hashes exactly, and for an
// image of quality 50 or more its eight dihedral PDQ hashes within the
// distance, so that a rotated or mirrored copy is found too. Each entry
// is answered once, at its smallest distance.
func (s *Server) lookupContent(w http.ResponseWriter, r *http.Request) {
	m, ok := s.matcher(w, r)
	if !ok {
		return
	}
	distance, err := lookupDistance(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, ok := s.readUpload(w, r)
	if !ok {
		return
	}
	ms, note, err := m.LookupContent(c.ContentHashes, distance)
	var hits []signals.Hit
	if err == nil {
		hits, err = s.hits(r, "file", ms)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := fileLookup{Hashes: c, Distance: distance, PDQNote: note, Matches: hits}
	writeJSON(w, http.StatusOK, out)
}

// maxComparePairs bounds one compare request.
const maxComparePairs = 1000

// compareInput is a compare request: pairs of hashes of one algorithm.
type compareInput struct {
	Algorithm string      `json:"algorithm"`
	Pairs     [][2]string `json:"pairs"`
}

// comparison is the outcome of comparing one pair: the Hamming distance
// for PDQ, and whether the pair matches (within the distance for PDQ,
// equal for a cryptographic hash).
type comparison struct {
	Distance *int `json:"distance,omitempty"`
	Match    bool `json:"match"`
}

// compareSignals compares pairs of hashes (HMA's compare), so that a
// caller can check two hashes without a bank.
func (s *Server) compareSignals(w http.ResponseWriter, r *http.Request) {
	if !s.mayMatch(w, r) {
		return
	}
	distance, err := lookupDistance(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in compareInput
	if !s.decode(w, r, &in) {
		return
	}
	alg, err := signals.ParseAlgorithm(in.Algorithm)
	if err != nil {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "algorithm: %s", secunion.MessageOf(err)))
		return
	}
	if len(in.Pairs) == 0 || len(in.Pairs) > maxComparePairs {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "pairs: give 1 to %d pairs of hashes", maxComparePairs))
		return
	}
	out := make([]comparison, len(in.Pairs))
	for i, p := range in.Pairs {
		var v [2]string
		for j := range p {
			if v[j], err = alg.CheckValue(p[j]); err != nil {
				s.fail(w, r, secunion.Errorf(secunion.Invalid, "pairs[%d][%d]: %s", i, j, secunion.MessageOf(err)))
				return
			}
		}
		if alg != signals.AlgPDQ {
			out[i].Match = v[0] == v[1]
			continue
		}
		a, _ := signals.ParsePDQ(v[0])
		b, _ := signals.ParsePDQ(v[1])
		d := a.Distance(b)
		out[i] = comparison{Distance: &d, Match: d <= distance}
	}
	writeJSON(w, http.StatusOK, map[string]any{"algorithm": alg, "distance": distance, "results": out})
}

// signalIndex is the matcher's status (HMA's index status).
type signalIndex struct {
	Entries int `json:"entries"` // enabled entries held
}

// signalIndexStatus says how many enabled entries the matcher holds.
func (s *Server) signalIndexStatus(w http.ResponseWriter, r *http.Request) {
	if !s.mayMatch(w, r) {
		return
	}
	if s.cfg.Signals == nil {
		writeError(w, r, secunion.Errorf(secunion.Unavailable, "this node runs no hash matcher"))
		return
	}
	writeJSON(w, http.StatusOK, signalIndex{Entries: s.cfg.Signals.Len()})
}

// signalInput is a hash to add to a bank.
type signalInput struct {
	Algorithm string         `json:"algorithm"`
	Value     string         `json:"value"`
	Quality   int            `json:"quality"`
	Labels    signals.Labels `json:"labels"`
	Source    string         `json:"source"`
	SourceRef string         `json:"source_ref"`
}

// entry is the bank entry of in, for bank.
func (in signalInput) entry(bank string) signals.Entry {
	return signals.Entry{Bank: bank, Algorithm: signals.Algorithm(in.Algorithm), Value: in.Value, Quality: in.Quality,
		Labels: in.Labels, Source: in.Source, SourceRef: in.SourceRef}
}

// addSignal adds a hash to the bank named in the path (competent
// authorities and Europol): 201 with the new entry, or 200 with the one
// the bank already holds for that hash.
func (s *Server) addSignal(w http.ResponseWriter, r *http.Request) {
	var in signalInput
	if !s.decode(w, r, &in) {
		return
	}
	e, created, err := s.cfg.DB.AddSignal(r.Context(), actorOf(r), in.entry(r.PathValue("bank")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, createdStatus(created), e)
}

// setSignalEnabled enables or disables a bank entry (competent
// authorities and Europol); matchers follow within their next poll.
func (s *Server) setSignalEnabled(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if in.Enabled == nil {
		s.fail(w, r, secunion.Errorf(secunion.Invalid, "enabled: give true or false"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, secunion.Errorf(secunion.NotFound, "no such bank entry"))
		return
	}
	e, err := s.cfg.DB.SetSignalEnabled(r.Context(), actorOf(r), id, *in.Enabled)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// maxSignalPage bounds a page of listed entries.
const maxSignalPage = 10_000

// listSignals lists bank entries numbered after `after`, in order, for
// those who may look hashes up: a page at a time, `next` giving the
// checkpoint of the following page.
func (s *Server) listSignals(w http.ResponseWriter, r *http.Request) {
	if !s.mayMatch(w, r) {
		return
	}
	after, limit, err := checkpoint(r, 1000, maxSignalPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.cfg.DB.SignalsAfter(r.Context(), after, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := after
	if len(es) > 0 {
		next = es[len(es)-1].ID
	}
	if es == nil {
		es = []signals.Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es, "next": next})
}
