package search

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
	"secunion/identity"
)

var clock = secunion.NewFakeClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))

func person(system, id, surname, given, birth, sex string, docs ...string) identity.Record {
	r := identity.Record{System: system, ID: id, Person: &identity.Person{Surname: surname, GivenNames: given, BirthDate: birth, Sex: sex}}
	for _, d := range docs {
		r.Documents = append(r.Documents, identity.Document{Type: "P", Number: d, IssuingCountry: "UKR"})
	}
	return r
}

type records map[string]identity.Record

func (m records) Record(_ context.Context, system, id string) (identity.Record, error) {
	r, ok := m[system+"/"+id]
	if !ok {
		return r, secunion.Errorf(secunion.NotFound, "no record")
	}
	return r, nil
}

func fixture() (*Index, records) {
	x, recs := NewIndex(), records{}
	for _, r := range []identity.Record{
		person("SIS", "S1", "Шевченко", "Олександр", "1985-03-12", "M", "FX123456"),
		person("SIS", "S2", "Shevchenko", "Taras", "1961-01-01", "M"),
		person("SIS", "S3", "Schmidt", "Anna", "1974-08-12", "F"),
		person("VIS", "V1", "Shevchenko", "Aleksandr", "1985-12-03", "M"),
		person("VIS", "V2", "Shevchenko", "Oleksandra", "1985-03-12", "F"),
		person("EES", "E1", "Al-Hassan", "Mohammed", "1990", "M"),
	} {
		x.Put(r)
		recs[r.System+"/"+r.ID] = r
	}
	return x, recs
}

func mustParse(t *testing.T, q Query) parsed {
	t.Helper()
	p, err := q.parse(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ids(hits []Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.RecordID)
	}
	return strings.Join(s, ",")
}

func TestIndexSearch(t *testing.T) {
	x, _ := fixture()
	for _, tc := range []struct {
		name, system string
		q            Query
		want         string
	}{
		{"transliteration and date", "SIS", Query{Surname: "Shevchenko", GivenNames: "Oleksandr", BirthDate: "1985-03-12"}, "S1"},
		{"other spelling", "SIS", Query{Surname: "Schewtschenko", GivenNames: "Alexander", BirthDate: "1985-03-12"}, "S1"},
		{"day and month swapped", "VIS", Query{Surname: "Shevchenko", GivenNames: "Oleksandr", BirthDate: "1985-03-12", Sex: "M"}, "V1"},
		{"sex excludes", "VIS", Query{Surname: "Shevchenko", GivenNames: "Oleksandr", BirthDate: "1985-03-12", Sex: "F"}, "V2"},
		{"document number", "SIS", Query{DocumentNumber: "fx 123456"}, "S1"},
		{"particle and variant", "EES", Query{Surname: "Hassan", GivenNames: "Muhammad", BirthDate: "1990-05-05"}, "E1"},
		{"different date excludes", "SIS", Query{Surname: "Shevchenko", GivenNames: "Taras", BirthDate: "1985-03-12"}, ""},
		{"system kept apart", "EES", Query{Surname: "Shevchenko", GivenNames: "Oleksandr"}, ""},
		{"different person", "SIS", Query{Surname: "Schneider", GivenNames: "Hanna", BirthDate: "1974-08-12"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := x.Search(tc.system, mustParse(t, tc.q))
			if ids(got) != tc.want {
				t.Errorf("hits %q (%+v), want %q", ids(got), got, tc.want)
			}
			for _, h := range got {
				if h.Score <= 0 || h.Score > 1 || len(h.Why) == 0 {
					t.Errorf("hit without score or reason: %+v", h)
				}
			}
		})
	}
	x.Delete("SIS", "S1")
	if got := x.Search("SIS", mustParse(t, Query{DocumentNumber: "FX123456"})); len(got) != 0 || x.Len() != 5 {
		t.Errorf("deleted record found: %+v", got)
	}
	x.Put(person("SIS", "S3", "Schmidt-Weber", "Anna", "1974-08-12", "F"))
	if got := x.Search("SIS", mustParse(t, Query{Surname: "Schmidt", GivenNames: "Anna", BirthDate: "1974-08-12"})); ids(got) != "S3" || x.Len() != 5 {
		t.Errorf("after update: %q, %d records", ids(got), x.Len())
	}
}

func TestQueryRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    Query
		want string
	}{
		{"too broad", Query{Sex: "F", Nationality: "SWE"}, "too broad"},
		{"empty", Query{}, "too broad"},
		{"impossible date", Query{Surname: "Doe", BirthDate: "1990-02-30"}, "birth_date"},
		{"bad MRZ", Query{MRZ: "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C35UTO7408122F1204159ZE184226B<<<<<10"}, "check digit of document number"},
		{"one letter", Query{Surname: "X"}, "two letters"},
		{"not UTF-8", Query{Surname: "D\xffe"}, "UTF-8"},
		{"limit", Query{Surname: "Doe", Limit: 1000}, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.parse(clock.Now())
			if secunion.CodeOf(err) != secunion.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want invalid mentioning %q", err, tc.want)
			}
		})
	}
	p := mustParse(t, Query{MRZ: "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"})
	if p.doc != "L898902C3" || p.birth.Year != 1974 || p.sex != "F" || !p.hasName {
		t.Errorf("MRZ query: %+v", p)
	}
}

// slow never answers a search before its context ends.
type slow struct{ Source }

func (slow) Search(ctx context.Context, q Query) ([]Hit, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// broken fails every search.
type broken struct{ Source }

func (broken) Search(context.Context, Query) ([]Hit, error) {
	return nil, secunion.Errorf(secunion.Unavailable, "system down for maintenance")
}

type auditLog struct {
	mu      sync.Mutex
	entries []audit.Entry
	values  [][]string
}

func (l *auditLog) append(_ context.Context, e audit.Entry, values ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	l.values = append(l.values, values)
	return nil
}

func TestPortal(t *testing.T) {
	x, recs := fixture()
	log := &auditLog{}
	p := &Portal{Clock: clock, Timeout: 200 * time.Millisecond, Audit: log.append, Sources: map[string]Source{
		"SIS": Local{System: "SIS", Index: x, Records: recs, Clock: clock},
		"VIS": Local{System: "VIS", Index: x, Records: recs, Clock: clock},
		"EES": slow{}, "ETIAS": broken{},
	}}
	prof := access.Profile{Kind: access.KindBorderGuard, Purpose: secunion.PurposeBorderCheck,
		Systems: []string{"SIS", "VIS", "EES", "ETIAS", "Interpol-SLTD"}, Fields: []string{access.FieldIdentity}}
	actor := secunion.Actor{Login: "anna", Authority: "DE-BPOL"}
	decl := access.Declaration{Purpose: secunion.PurposeBorderCheck}
	start := time.Now()
	ch, err := p.Search(context.Background(), actor, decl, prof, Query{Surname: "Shevchenko", GivenNames: "Oleksandr", BirthDate: "1985-03-12", DocumentNumber: "FX123456"})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	var order []string
	for a := range ch {
		status[a.System] = a.Status
		order = append(order, a.System)
		for _, h := range a.Hits {
			if h.Record.Documents != nil || h.Record.Person == nil {
				t.Errorf("hit not cut to the profile's fields: %+v", h.Record)
			}
		}
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("a slow system held the query up: %v", time.Since(start))
	}
	want := map[string]string{"SIS": Answered, "VIS": Answered, "EES": TimedOut, "ETIAS": Failed, "Interpol-SLTD": Failed}
	for sys, st := range want {
		if status[sys] != st {
			t.Errorf("%s: status %q, want %q (all: %v)", sys, status[sys], st, status)
		}
	}
	if order[len(order)-1] != "EES" {
		t.Errorf("the timed-out system did not answer last: %v", order)
	}
	if len(log.entries) != 2 || log.entries[0].Operation != audit.OpConsultation || log.entries[1].Results != 3 ||
		!strings.Contains(log.entries[1].Detail, "EES=timed-out/0") || len(log.values[0]) == 0 {
		t.Errorf("audit: %+v", log.entries)
	}
	for _, e := range log.entries {
		for _, f := range append(e.Objects, e.Detail) {
			if strings.Contains(f, "Shevchenko") || strings.Contains(f, "FX123456") {
				t.Errorf("personal value in clear in the log: %q", f)
			}
		}
	}
	// A system outside the profile cannot be asked for, and is not named.
	if _, err := p.Search(context.Background(), actor, decl, prof, Query{Surname: "Doe", Systems: []string{"Europol"}}); err == nil || strings.Contains(secunion.MessageOf(err), "profile") {
		t.Errorf("system outside the profile: %v", err)
	}
	// Without a lawful query nothing is logged or asked.
	n := len(log.entries)
	if _, err := p.Search(context.Background(), actor, decl, prof, Query{Nationality: "UKR"}); err == nil || len(log.entries) != n {
		t.Errorf("broad query: %v, %d entries", err, len(log.entries)-n)
	}
	// If the consultation cannot be logged, there is no search.
	p.Audit = func(context.Context, audit.Entry, ...string) error { return errors.New("disk full") }
	if _, err := p.Search(context.Background(), actor, decl, prof, Query{Surname: "Doe"}); err == nil {
		t.Error("search ran without its audit entry")
	}
}

func TestSurnameOnly(t *testing.T) {
	x, _ := fixture()
	got := x.Search("SIS", mustParse(t, Query{Surname: "Schmidt", BirthDate: "1974-08-12"}))
	if ids(got) != "S3" || !strings.Contains(strings.Join(got[0].Why, ";"), "name 1.00") {
		t.Errorf("surname and date only: %q %+v", ids(got), got)
	}
}
