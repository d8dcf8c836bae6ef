package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/crisis"
	"secunion/removal"
	"secunion/signals"
	"secunion/store"
)

const crisisPDQ = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22"

// crisisParties adds Europol to the removal parties and gives VidShare a
// webhook at url.
func crisisParties(t *testing.T, db *store.DB, url string) (fr, ie, vid, pic, europol secunion.Actor) {
	t.Helper()
	ctx := context.Background()
	fr, ie, vid = removalParties(t, db)
	if _, err := db.CreateAuthority(ctx, admin, access.Authority{Code: "EUROPOL", Name: "Europol EU IRU", Country: "EU", Kind: access.KindEuropol}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutProvider(ctx, admin, removal.Provider{Code: "VIDSHARE", Name: "VidShare", State: "IE",
		Contact: removal.ContactPoint{Webhook: url, Secret: strings.Repeat("k", 32)}}); err != nil {
		t.Fatal(err)
	}
	pic = secunion.Actor{Login: "picboard", Authority: "PICBOARD", AuthorityKind: "hosting-provider", Roles: []string{access.RoleOfficer}}
	europol = secunion.Actor{Login: "iru", Authority: "EUROPOL", AuthorityKind: "europol", Roles: []string{access.RoleOfficer}}
	return fr, ie, vid, pic, europol
}

// webhook is a provider's webhook that checks each push's signature.
type webhook struct {
	mu       sync.Mutex
	messages []crisis.Message
	bad      []string
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := removal.CheckSignature(strings.Repeat("k", 32), r.Header.Get(removal.HeaderSignature), r.Header.Get(removal.HeaderDelivery), body, time.Now()); err != nil ||
		r.Header.Get(crisis.HeaderEvent) != "crisis" || !strings.HasPrefix(r.Header.Get(removal.HeaderIdempotency), "crisis-") {
		h.bad = append(h.bad, r.Header.Get(removal.HeaderSignature))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m crisis.Message
	json.Unmarshal(body, &m)
	h.messages = append(h.messages, m)
}

// TestCrisisIncident runs an incident through the protocol on both
// engines: declaration and notification, refusals that change nothing
// (audited), activation with notifications and a signed push to the
// provider with a webhook, hashes into the incident's bank (in the
// matcher's feed) and URLs, the pull after a checkpoint, blocked uploads,
// the figures, de-activation, debrief notes and the close.
func TestCrisisIncident(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Now().UTC().Truncate(time.Second))
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		hook := &webhook{}
		srv := httptest.NewServer(hook)
		defer srv.Close()
		fr, ie, vid, pic, europol := crisisParties(t, db, srv.URL+"/crisis")

		// Only competent authorities and Europol declare; a bad
		// participant refuses the whole declaration.
		draft := crisis.Incident{Title: "Livestreamed attack in Lyon", Description: "A livestream of the attack is re-uploaded across platforms."}
		if _, err := db.DeclareIncident(ctx, vid, draft, nil); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider declares: %v", err)
		}
		if _, err := db.DeclareIncident(ctx, fr, draft, []string{"VIDSHARE", "DE-BPOL"}); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "DE-BPOL") {
			t.Errorf("a border guard as participant: %v", err)
		}
		many := make([]string, crisis.MaxParticipants+1)
		for i := range many {
			many[i] = "VIDSHARE"
		}
		if _, err := db.DeclareIncident(ctx, fr, draft, many); secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(secunion.MessageOf(err), "at most 100") {
			t.Errorf("101 participants named: %v", err)
		}
		if list, _ := db.Incidents(ctx, fr); len(list) != 0 {
			t.Fatalf("a refused declaration left %+v", list)
		}
		inc, err := db.DeclareIncident(ctx, fr, draft, []string{"VIDSHARE", "PICBOARD"})
		if err != nil || inc.State != crisis.Detected || inc.DeclaredBy != "FR-OCLCTIC" {
			t.Fatalf("declare: %v %+v", err, inc)
		}
		room, err := db.IncidentRoom(ctx, europol, inc.ID)
		if err != nil || len(room.Participants) != 4 || room.Role != crisis.Coordinator || room.Bank != crisis.Bank(inc.ID) {
			t.Fatalf("Europol's room: %v %+v", err, room)
		}
		declared, _ := db.CrisisNotifications(ctx, pic, 0, 10)
		if len(declared) != 1 || declared[0].Kind != crisis.NotifyDeclared || declared[0].Incident != inc.ID {
			t.Fatalf("PicBoard's notifications: %+v", declared)
		}

		// Refusals: a non-participant learns nothing, whatever it sends
		// (a bad hash or URL, an id that names no bank); a participant
		// may not coordinate; nothing is shared before activation.
		before := db.AuditSize()
		if _, _, err := db.ShareHash(ctx, ie, inc.ID, signals.Entry{Algorithm: signals.AlgMD5, Value: "12"}, ""); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant shares a bad hash: %v", err)
		}
		if _, _, err := db.ShareHash(ctx, fr, "inc-nope/../x", signals.Entry{Algorithm: signals.AlgPDQ, Value: crisisPDQ}, ""); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a hash shared in an id that names no incident: %v", err)
		}
		if _, _, err := db.ShareURL(ctx, ie, inc.ID, "javascript:alert(1)", ""); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant shares a bad URL: %v", err)
		}
		if _, err := db.IncidentRoom(ctx, ie, inc.ID); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant reads: %v", err)
		}
		if _, err := db.StepIncident(ctx, ie, inc.ID, crisis.Step{Action: crisis.Activate}); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant activates: %v", err)
		}
		if _, err := db.StepIncident(ctx, vid, inc.ID, crisis.Step{Action: crisis.Activate}); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider activates: %v", err)
		}
		hash := signals.Entry{Algorithm: signals.AlgPDQ, Value: crisisPDQ, Quality: 90, Labels: signals.Labels{ContentType: "video"}}
		if _, _, err := db.ShareHash(ctx, vid, inc.ID, hash, ""); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a hash shared before activation: %v", err)
		}
		if got := db.AuditSize() - before; got != 7 {
			t.Errorf("%d audit entries for 7 refusals", got)
		}
		if room, _ := db.IncidentRoom(ctx, fr, inc.ID); room.Incident.State != crisis.Detected || room.Figures.Hashes != 0 {
			t.Errorf("refusals changed the incident: %+v", room)
		}

		// Europol activates: everyone is notified, VidShare gets a push.
		clock.Advance(5 * time.Minute)
		if inc, err = db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Activate}); err != nil || inc.State != crisis.Activated {
			t.Fatalf("activate: %v %+v", err, inc)
		}
		if ns, _ := db.CrisisNotifications(ctx, pic, declared[0].ID, 10); len(ns) != 1 || ns[0].Kind != crisis.NotifyActivated {
			t.Errorf("PicBoard's notifications after the first: %+v", ns)
		}

		// A provider shares a hash 90 seconds later: it is in the
		// incident's bank and on the matcher's feed; again changes nothing.
		clock.Advance(90 * time.Second)
		outbox, _ := db.EventsAfter(ctx, 0, []string{store.SignalTopic}, 100)
		item, created, err := db.ShareHash(ctx, vid, inc.ID, hash, "first frame")
		if err != nil || !created || item.Seq == 0 || item.Entry == 0 || item.SharedBy != "VIDSHARE" {
			t.Fatalf("share hash: %v %v %+v", err, created, item)
		}
		entry, err := db.Signal(ctx, item.Entry)
		if err != nil || entry.Bank != crisis.Bank(inc.ID) || entry.Source != signals.SourceIncident || entry.SourceRef != inc.ID || !entry.Enabled {
			t.Errorf("the bank entry: %v %+v", err, entry)
		}
		if after, _ := db.EventsAfter(ctx, 0, []string{store.SignalTopic}, 100); len(after) != len(outbox)+1 {
			t.Errorf("the hash is not on the matcher's feed: %d events, were %d", len(after), len(outbox))
		}
		if again, created, err := db.ShareHash(ctx, fr, inc.ID, hash, ""); err != nil || created || again.Seq != item.Seq {
			t.Errorf("the same hash again: %v %v %+v", err, created, again)
		}
		if _, _, err := db.ShareURL(ctx, fr, inc.ID, "javascript:alert(1)", ""); secunion.CodeOf(err) != secunion.Invalid {
			t.Errorf("a bad URL: %v", err)
		}
		u, created, err := db.ShareURL(ctx, fr, inc.ID, "https://picboard.example/p/123", "mirror")
		if err != nil || !created || u.Seq <= item.Seq {
			t.Fatalf("share URL: %v %+v", err, u)
		}

		// Pull after a checkpoint.
		all, err := db.SharedAfter(ctx, pic, inc.ID, 0, 100)
		if err != nil || len(all) != 2 || all[0].Kind != crisis.KindHash || all[1].Value != "https://picboard.example/p/123" {
			t.Errorf("pull: %v %+v", err, all)
		}
		if rest, _ := db.SharedAfter(ctx, pic, inc.ID, item.Seq, 100); len(rest) != 1 || rest[0].Seq != u.Seq {
			t.Errorf("pull after the hash: %+v", rest)
		}
		if _, err := db.SharedAfter(ctx, ie, inc.ID, 0, 100); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant pulls: %v", err)
		}

		// Push: the activation and the URL reach VidShare's webhook,
		// signed (not the hash VidShare shared itself).
		p := &crisis.Pusher{Store: db, Client: srv.Client(), Clock: secunion.SystemClock{}, Log: slog.New(slog.DiscardHandler)}
		if n, err := p.Once(ctx); err != nil || n != 2 {
			t.Fatalf("pushes claimed: %d %v", n, err)
		}
		if len(hook.messages) != 2 || len(hook.bad) != 0 || hook.messages[0].Kind != crisis.MessageActivated ||
			hook.messages[1].Kind != crisis.MessageShared || hook.messages[1].Item.Value != u.Value {
			t.Errorf("the webhook got %+v (bad %v)", hook.messages, hook.bad)
		}
		if n, _ := p.Once(ctx); n != 0 {
			t.Errorf("%d pushes left after delivery", n)
		}

		// Upload attempts blocked, per provider: a lookup whose file
		// matches the incident's PDQ and its SHA-256 is one attempt.
		sha, _, err := db.ShareHash(ctx, vid, inc.ID, signals.Entry{Algorithm: signals.AlgSHA256, Value: strings.Repeat("ab", 32)}, "the file")
		if err != nil {
			t.Fatal(err)
		}
		shaEntry, err := db.Signal(ctx, sha.Entry)
		if err != nil {
			t.Fatal(err)
		}
		hits := []signals.Hit{{Entry: entry, Distance: 3}, {Entry: shaEntry, Distance: 0}, {Entry: signals.Entry{ID: 1, Bank: "tco-removed"}}}
		for range 2 { // two lookups
			if err := db.NoteBlockedUploads(ctx, pic, hits); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.NoteBlockedUploads(ctx, vid, hits[:1]); err != nil {
			t.Fatal(err)
		}
		if err := db.NoteBlockedUploads(ctx, fr, hits); err != nil {
			t.Fatal(err)
		}
		room, err = db.IncidentRoom(ctx, fr, inc.ID)
		f := room.Figures
		if err != nil || f.Hashes != 2 || f.URLs != 1 || f.ToFirstHash != 90 || f.Blocked != 3 ||
			len(f.PerProvider) != 2 || f.PerProvider[0] != (crisis.Blocked{Provider: "PICBOARD", Attempts: 2}) {
			t.Errorf("figures: %v %+v", err, f)
		}
		if len(room.Recent) != 3 || room.Recent[0].Seq != sha.Seq || room.Recent[1].Seq != u.Seq || room.Recent[2].Seq != item.Seq {
			t.Errorf("the room's latest items, newest first: %+v", room.Recent)
		}

		// Participants change while open; the declarer stays.
		if err := db.RemoveParticipant(ctx, fr, inc.ID, "FR-OCLCTIC"); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("the declarer removed: %v", err)
		}
		if err := db.AddParticipant(ctx, vid, inc.ID, "IE-CNAM"); secunion.CodeOf(err) != secunion.Forbidden {
			t.Errorf("a provider adds a participant: %v", err)
		}
		if err := db.AddParticipant(ctx, fr, inc.ID, "IE-CNAM"); err != nil {
			t.Fatal(err)
		}
		if ns, _ := db.CrisisNotifications(ctx, ie, 0, 10); len(ns) != 1 || ns[0].Kind != crisis.NotifyJoined {
			t.Errorf("a participant added to an active incident: %+v", ns)
		}
		if err := db.RemoveParticipant(ctx, fr, inc.ID, "PICBOARD"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.IncidentRoom(ctx, pic, inc.ID); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a removed participant still reads: %v", err)
		}

		// Coordinated response, de-activation, debrief; a participant
		// added after de-activation has joined (no push of an
		// activation that is over).
		for _, s := range []struct {
			by   secunion.Actor
			step crisis.Step
		}{
			{fr, crisis.Step{Action: crisis.Coordinate}},
			{europol, crisis.Step{Action: crisis.Deactivate, Text: "uploads fell under ten an hour"}},
			{vid, crisis.Step{Action: crisis.Note, Text: "our matcher caught the re-encoded copies"}},
		} {
			clock.Advance(time.Minute)
			if _, err := db.StepIncident(ctx, s.by, inc.ID, s.step); err != nil {
				t.Fatalf("%s: %v", s.step.Action, err)
			}
		}
		if err := db.AddParticipant(ctx, europol, inc.ID, "PICBOARD"); err != nil {
			t.Fatal(err)
		}
		if ns, _ := db.CrisisNotifications(ctx, pic, 0, 10); len(ns) != 3 || ns[2].Kind != crisis.NotifyJoined || ns[2].State != crisis.Deactivated {
			t.Errorf("a participant added to a de-activated incident: %+v", ns)
		}
		if err := db.RemoveParticipant(ctx, europol, inc.ID, "VIDSHARE"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddParticipant(ctx, europol, inc.ID, "VIDSHARE"); err != nil {
			t.Fatal(err)
		}
		if n, _ := p.Once(ctx); n != 0 {
			t.Errorf("%d pushes to a provider added after de-activation", n)
		}
		if _, err := db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Debrief, Text: "share the first hashes within fifteen minutes"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ShareURL(ctx, fr, inc.ID, "https://vidshare.example/late", ""); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a URL after de-activation: %v", err)
		}
		if err := db.AddParticipant(ctx, fr, inc.ID, "PICBOARD"); secunion.CodeOf(err) != secunion.Conflict {
			t.Errorf("a participant added after the debrief: %v", err)
		}
		room, _ = db.IncidentRoom(ctx, vid, inc.ID)
		var actions []string
		for _, ev := range room.Timeline {
			actions = append(actions, string(ev.Action))
		}
		want := "declare join join join activate notify share-hash share-url share-hash join leave coordinate deactivate note join leave join debrief"
		if strings.Join(actions, " ") != want || room.Incident.State != crisis.Debriefed || room.Incident.Conclusions == "" || len(room.Allowed) != 0 {
			t.Errorf("timeline %q, state %s", strings.Join(actions, " "), room.Incident.State)
		}
		if evs, _ := db.EventsAfter(ctx, 0, []string{store.CrisisTopic}, 100); len(evs) != len(room.Timeline) {
			t.Errorf("%d crisis events on the outbox for %d timeline entries", len(evs), len(room.Timeline))
		}
		if rep := verify(t, e, db); rep.Entries != db.AuditSize() {
			t.Errorf("audit log: %d entries verified of %d", rep.Entries, db.AuditSize())
		}
	})
}

// TestCrisisPushRetries: a push the webhook refuses is tried again after
// its backoff, and given up after crisis.MaxAttempts with the failure on
// the incident's timeline; the provider can still pull.
func TestCrisisPushRetries(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		clock := secunion.NewFakeClock(time.Now().UTC())
		db := e.open(t, store.Options{Clock: clock})
		seed(t, db)
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		fr, _, vid, _, europol := crisisParties(t, db, srv.URL+"/crisis")
		inc, err := db.DeclareIncident(ctx, fr, crisis.Incident{Title: "Attack", Description: "Footage of the attack spreads."}, []string{"VIDSHARE"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Activate}); err != nil {
			t.Fatal(err)
		}
		p := &crisis.Pusher{Store: db, Client: srv.Client(), Clock: clock, Log: slog.New(slog.DiscardHandler)}
		if n, err := p.Once(ctx); n != 1 || err != nil || calls.Load() != 1 {
			t.Fatalf("first attempt: %d claimed, %d calls, %v", n, calls.Load(), err)
		}
		if n, _ := p.Once(ctx); n != 0 {
			t.Errorf("a failed push tried again before its backoff")
		}
		for attempt := 2; attempt <= crisis.MaxAttempts; attempt++ {
			clock.Advance(7 * time.Minute)
			if n, err := p.Once(ctx); n != 1 || err != nil {
				t.Fatalf("attempt %d: %d claimed: %v", attempt, n, err)
			}
		}
		clock.Advance(7 * time.Minute)
		if n, _ := p.Once(ctx); n != 0 || calls.Load() != crisis.MaxAttempts {
			t.Errorf("after giving up: %d claimed, %d calls", n, calls.Load())
		}
		room, err := db.IncidentRoom(ctx, vid, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := room.Timeline[len(room.Timeline)-1]
		if last.Action != crisis.PushFailed || !strings.Contains(last.Note, "VIDSHARE") || !strings.Contains(last.Note, "503") {
			t.Errorf("the timeline ends with %+v", last)
		}
	})
}

// TestCrisisRoomTimeline: a room shows the latest store.RoomTimeline
// entries of a long timeline, oldest first, and says how many older ones
// it leaves out; the live refresh reads the same room without an audit
// entry, and still refuses a non-participant.
func TestCrisisRoomTimeline(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		db := e.open(t, store.Options{})
		seed(t, db)
		fr, ie, _, _, europol := crisisParties(t, db, "")
		inc, err := db.DeclareIncident(ctx, fr, crisis.Incident{Title: "Attack", Description: "Footage of the attack spreads."}, []string{"VIDSHARE"})
		if err != nil {
			t.Fatal(err)
		}
		const notes = store.RoomTimeline + 5
		for i := range notes {
			if _, err := db.StepIncident(ctx, europol, inc.ID, crisis.Step{Action: crisis.Note, Text: fmt.Sprintf("note %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		all := notes + 3 // declare, Europol and VidShare joining
		room, err := db.IncidentRoom(ctx, fr, inc.ID)
		if err != nil || len(room.Timeline) != store.RoomTimeline || room.Older != all-store.RoomTimeline {
			t.Fatalf("room: %v, %d entries shown, %d older", err, len(room.Timeline), room.Older)
		}
		if first, last := room.Timeline[0], room.Timeline[len(room.Timeline)-1]; first.Note != fmt.Sprintf("note %d", notes-store.RoomTimeline) || last.Note != fmt.Sprintf("note %d", notes-1) {
			t.Errorf("the room shows %q to %q", first.Note, last.Note)
		}

		// The older entries, read back from the first the room shows.
		older, err := db.TimelineBefore(ctx, fr, inc.ID, room.Timeline[0].ID, 100)
		if err != nil || len(older) != room.Older || older[0].Note != fmt.Sprintf("note %d", notes-store.RoomTimeline-1) || older[len(older)-1].Action != crisis.Declare {
			t.Errorf("older entries: %v %+v", err, older)
		}
		if _, err := db.TimelineBefore(ctx, ie, inc.ID, 0, 100); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant reads the timeline: %v", err)
		}

		before := db.AuditSize()
		live, err := db.RefreshRoom(ctx, fr, inc.ID)
		if err != nil || len(live.Timeline) != len(room.Timeline) || live.Older != room.Older || live.Role != crisis.Coordinator || len(live.Participants) != 3 {
			t.Errorf("refresh: %v %+v", err, live)
		}
		if _, err := db.RefreshRoom(ctx, ie, inc.ID); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a non-participant refreshes: %v", err)
		}
		if _, err := db.RefreshRoom(ctx, fr, "inc-none"); secunion.CodeOf(err) != secunion.NotFound {
			t.Errorf("a refresh of no incident: %v", err)
		}
		if got := db.AuditSize() - before; got != 0 {
			t.Errorf("%d audit entries for live refreshes", got)
		}
	})
}
