package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/alerts"
	"secunion/audit"
	"secunion/store"
)

// stixObject returns a STIX object of typ with the given properties,
// created and modified at minute of epoch.
func stixObject(typ, uuid string, minute int, props map[string]any) json.RawMessage {
	at := alerts.FormatTime(epoch.Add(time.Duration(minute) * time.Minute))
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": typ + "--" + uuid}
	if alerts.ClassOf(typ) != alerts.SCO {
		o["created"], o["modified"] = "2026-11-01T09:00:00.000Z", at
	}
	for k, v := range props {
		o[k] = v
	}
	b, _ := json.Marshal(o)
	return b
}

// TestAlertCorrelation looks values and words up as two CSIRTs of
// different collections: each finds what holds the value or every word
// among what it may see, in the latest version and the disclosed
// properties only; a warninglisted value finds nothing; every lookup is
// audited with the value's keyed hash.
func TestAlertCorrelation(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		db := e.open(t, store.Options{})
		seed(t, db)
		ctx := context.Background()
		de, decl, feed := hub(t, db)
		if _, err := db.CreateAuthority(ctx, admin, access.Authority{Code: "FR-CERT", Name: "CERT-FR", Country: "FR", Kind: access.KindCSIRT}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAlertGroup(ctx, admin, alerts.Group{Name: "cyber", Members: []string{"DE-CERT", "FR-CERT"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAlertGroup(ctx, admin, alerts.Group{Name: "france", Members: []string{"FR-CERT"}}); err != nil {
			t.Fatal(err)
		}
		own, err := db.PutAlertCollection(ctx, admin, alerts.Collection{Title: "CERT-FR only", Readers: "france", Writers: "france", DefaultTLP: alerts.TLPGreen})
		if err != nil {
			t.Fatal(err)
		}
		fr := secunion.Actor{Login: "analyste", Authority: "FR-CERT", AuthorityKind: string(access.KindCSIRT), Roles: []string{access.RoleOfficer}}
		view := func(a secunion.Actor, id string) store.HubView {
			v, err := db.AlertView(ctx, a, decl, id)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		add := func(a secunion.Actor, v store.HubView, raws ...json.RawMessage) {
			t.Helper()
			checked := alerts.Checker{Marking: db.MarkingHeld(ctx)}.Batch(raws)
			st, err := db.AddAlertObjects(ctx, a, decl, v, checked.Objects, checked.Failures)
			if err != nil || st.FailureCount > 0 {
				t.Fatalf("add: %v %+v", err, st.Failures)
			}
		}
		const (
			ip     = "203.0.113.77"
			report = "4f1d1f0e-8c5a-4f55-9a0b-0d3c2a1b9e01"
			hidden = "4f1d1f0e-8c5a-4f55-9a0b-0d3c2a1b9e02"
		)
		add(de, feed,
			stixObject("ipv4-addr", "1a2b3c4d-0000-4000-8000-000000000001", 0, map[string]any{"value": ip}),
			stixObject("indicator", "1a2b3c4d-0000-4000-8000-000000000002", 1, map[string]any{"pattern": "[ipv4-addr:value = '" + ip + "'] OR [domain-name:value = 'Bücher.example']",
				"pattern_type": "stix", "valid_from": "2026-11-01T09:00:00Z", "indicator_types": []string{"malicious-activity"}}),
			stixObject("report", report, 2, map[string]any{"name": "Botnet wave", "published": "2026-11-01T09:00:00Z", "object_refs": []string{"ipv4-addr--1a2b3c4d-0000-4000-8000-000000000001"},
				"description": "Seen with #StopTheLies and 10.0.0.1"}),
			stixObject("ipv4-addr", "1a2b3c4d-0000-4000-8000-000000000003", 0, map[string]any{"value": "10.0.0.1"}),
		)
		// CERT-FR's report whose description is TLP:RED: DE-CERT reads
		// the report, not the description.
		add(fr, view(fr, feed.Collection.ID), stixObject("report", hidden, 3, map[string]any{"name": "Wave two", "published": "2026-11-01T09:00:00Z",
			"object_refs": []string{"ipv4-addr--1a2b3c4d-0000-4000-8000-000000000001"}, "description": "#RedOnly campaign",
			"granular_markings": []map[string]any{{"marking_ref": alerts.TLPMarkingID(alerts.TLPRed), "selectors": []string{"description"}}}}))
		add(fr, view(fr, own.ID), stixObject("ipv6-addr", "1a2b3c4d-0000-4000-8000-000000000009", 0, map[string]any{"value": "::ffff:" + ip}))

		lists := alerts.DefaultWarninglists()
		lookup := func(a secunion.Actor, text string) store.Correlation {
			t.Helper()
			v, err := alerts.ParseValue(text)
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.CorrelateAlerts(ctx, a, decl, v, lists, 0)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		ids := func(c store.Correlation) []string {
			var out []string
			for _, m := range c.Matches {
				out = append(out, m.Collection[:4]+"/"+m.ID)
			}
			slices.Sort(out)
			return out
		}
		fc, oc := feed.Collection.ID[:4], own.ID[:4]
		for _, tc := range []struct {
			who  secunion.Actor
			text string
			want []string
		}{
			{de, ip, []string{fc + "/indicator--1a2b3c4d-0000-4000-8000-000000000002", fc + "/ipv4-addr--1a2b3c4d-0000-4000-8000-000000000001"}},
			{fr, ip, []string{fc + "/indicator--1a2b3c4d-0000-4000-8000-000000000002", fc + "/ipv4-addr--1a2b3c4d-0000-4000-8000-000000000001", oc + "/ipv6-addr--1a2b3c4d-0000-4000-8000-000000000009"}},
			{de, "xn--bcher-kva.example", []string{fc + "/indicator--1a2b3c4d-0000-4000-8000-000000000002"}},
			{de, "#stopthelies", []string{fc + "/report--" + report}},
			{de, "#RedOnly", nil},
			{fr, "#redonly", []string{fc + "/report--" + hidden}},
			{de, "198.51.100.1", nil},
		} {
			slices.Sort(tc.want)
			if got := ids(lookup(tc.who, tc.text)); !slices.Equal(got, tc.want) {
				t.Errorf("%s looks up %s: %v, want %v", tc.who.Authority, tc.text, got, tc.want)
			}
		}
		search := func(a secunion.Actor, q string) []string {
			t.Helper()
			terms, err := alerts.SearchTerms(q)
			if err != nil {
				t.Fatal(err)
			}
			s, err := db.SearchAlerts(ctx, a, decl, terms, 0)
			if err != nil {
				t.Fatal(err)
			}
			return ids(store.Correlation{Matches: s.Matches})
		}
		for _, tc := range []struct {
			who  secunion.Actor
			q    string
			want []string
		}{
			{de, "Botnet WAVE", []string{fc + "/report--" + report}},
			{de, "wave", []string{fc + "/report--" + report, fc + "/report--" + hidden}},
			{de, "campaign", nil}, // in a description withheld from DE-CERT
			{fr, "campaign wave", []string{fc + "/report--" + hidden}},
			{de, "botnet two", nil},
			{de, "unheard", nil},
		} {
			slices.Sort(tc.want)
			if got := search(tc.who, tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("%s searches %q: %v, want %v", tc.who.Authority, tc.q, got, tc.want)
			}
		}
		if c := lookup(de, "10.0.0.1"); c.Warninglist == "" || len(c.Matches) != 0 {
			t.Errorf("a private address correlates: %+v", c)
		}
		// A new version without the hashtag no longer matches.
		add(de, feed, stixObject("report", report, 10, map[string]any{"name": "Botnet wave", "published": "2026-11-01T09:00:00Z",
			"object_refs": []string{"ipv4-addr--1a2b3c4d-0000-4000-8000-000000000001"}, "description": "Retracted"}))
		if got := ids(lookup(de, "#StopTheLies")); got != nil {
			t.Errorf("an old version correlates: %v", got)
		}
		if got := search(de, "stopthelies"); got != nil {
			t.Errorf("an old version is found: %v", got)
		}
		if got := search(de, "retracted"); len(got) != 1 {
			t.Errorf("the new version is not found: %v", got)
		}
		// A deleted object no longer matches.
		if err := db.DeleteAlertObject(ctx, de, decl, feed, alerts.Filter{Versions: []string{"all"}}, "indicator--1a2b3c4d-0000-4000-8000-000000000002"); err != nil {
			t.Fatal(err)
		}
		if got := ids(lookup(de, ip)); len(got) != 1 {
			t.Errorf("after the delete: %v", got)
		}
		st, err := db.AlertIndexStats(ctx)
		if err != nil || st.Values < 5 {
			t.Errorf("index: %+v %v", st, err)
		}
		// A node that starts again builds its index from the table (the
		// writes above fed it as they committed) and answers the same.
		db.Close()
		db = e.open(t, store.Options{})
		if got := ids(lookup(de, ip)); len(got) != 1 {
			t.Errorf("after a restart: %v", got)
		}
		if got := search(de, "retracted"); len(got) != 1 {
			t.Errorf("after a restart, the search: %v", got)
		}
		entries, err := db.SearchAudit(ctx, actor(t, db, "dpo"), access.Declaration{Purpose: secunion.PurposeSupervision}, store.AuditFilter{Value: ip})
		if err != nil {
			t.Fatal(err)
		}
		var looks int
		for _, en := range entries {
			if en.Operation == audit.OpDisclosure && en.Detail == "correlate a value of kind ipv4" {
				looks++
			}
		}
		if looks != 4 {
			t.Errorf("%d audited lookups of %s, want 4", looks, ip)
		}
	})
}
