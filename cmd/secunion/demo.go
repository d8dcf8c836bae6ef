package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"secunion"
	"secunion/access"
	"secunion/biometric"
	"secunion/identity"
	"secunion/store"
	"secunion/synth"
)

// demoPassword is the console password of every demo user. It is printed by
// `secunion demo`; a demo node holds only synthetic data.
const demoPassword = "secunion-demo"

// demoAuthorities are the demo node's authorities and one user each. The
// providers and some authorities are fictitious.
var demoAuthorities = []struct {
	authority access.Authority
	user      access.User
}{
	{access.Authority{Code: "EU-ADMIN", Name: "secunion administration", Country: "EU", Kind: access.KindAdministrator},
		access.User{Login: "admin", Name: "Ada Admin", Roles: []string{access.RoleAdmin}}},
	{access.Authority{Code: "DE-BPOL", Name: "Bundespolizei (border guard)", Country: "DE", Kind: access.KindBorderGuard},
		access.User{Login: "border.officer", Name: "Jonas Becker", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "FR-PN", Name: "Police nationale", Country: "FR", Kind: access.KindPolice},
		access.User{Login: "police.officer", Name: "Camille Martin", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "NL-SIRENE", Name: "SIRENE Netherlands", Country: "NL", Kind: access.KindSirene},
		access.User{Login: "sirene.officer", Name: "Sanne de Vries", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "IT-VISA", Name: "Visa section, Ministry of Foreign Affairs", Country: "IT", Kind: access.KindVisa},
		access.User{Login: "visa.officer", Name: "Giulia Romano", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "ES-ETIAS", Name: "ETIAS National Unit Spain", Country: "ES", Kind: access.KindETIASUnit},
		access.User{Login: "etias.officer", Name: "Lucía García", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "EU-EUROPOL", Name: "Europol", Country: "EU", Kind: access.KindEuropol},
		access.User{Login: "europol.analyst", Name: "Piet Janssens", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "BE-TCO", Name: "Competent authority for terrorist content online (Belgium)", Country: "BE", Kind: access.KindTCOAuthority},
		access.User{Login: "tco.officer", Name: "Louise Peeters", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "IE-CNAM", Name: "Coimisiún na Meán (competent authority for terrorist content online, Ireland)", Country: "IE", Kind: access.KindTCOAuthority},
		access.User{Login: "ie.tco.officer", Name: "Siobhán Kelly", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "IE-VIDSHARE", Name: "VidShare Ltd (hosting service provider)", Country: "IE", Kind: access.KindHostingProvider},
		access.User{Login: "vidshare.contact", Name: "Aoife Byrne", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "NL-PICBOARD", Name: "PicBoard B.V. (hosting service provider)", Country: "NL", Kind: access.KindHostingProvider},
		access.User{Login: "picboard.contact", Name: "Daan Visser", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "DE-AA", Name: "Auswärtiges Amt (contact point of the Rapid Alert System)", Country: "DE", Kind: access.KindRASContact},
		access.User{Login: "de.ras.contact", Name: "Lena Vogel", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "FR-VIGINUM", Name: "Viginum, SGDSN (contact point of the Rapid Alert System)", Country: "FR", Kind: access.KindRASContact},
		access.User{Login: "fr.ras.contact", Name: "Hugo Bernard", Roles: []string{access.RoleOfficer}}},
	{access.Authority{Code: "FR-CNIL", Name: "Commission nationale de l'informatique et des libertés", Country: "FR", Kind: access.KindSupervisory},
		access.User{Login: "dpo.supervisor", Name: "Claire Dupont", Roles: []string{access.RoleSupervisor}}},
}

// demoOwners are the demo authorities that own the synthetic records of
// each system, as if they had entered them: only they replace or erase
// them. Eurodac and ECRIS-TCN have no demo authority that enters their
// data, so the node's operator owns those.
var demoOwners = map[string]*identity.Owner{
	access.SIS:     {Authority: "NL-SIRENE", Country: "NL"},
	access.VIS:     {Authority: "IT-VISA", Country: "IT"},
	access.EES:     {Authority: "DE-BPOL", Country: "DE"},
	access.ETIAS:   {Authority: "ES-ETIAS", Country: "ES"},
	access.Europol: {Authority: "EU-EUROPOL", Country: "EU"},
	access.SLTD:    {Authority: "FR-PN", Country: "FR"},
}

// Settings of a demo data folder: when it was seeded, and a search that
// finds one of its synthetic persons.
const (
	demoSeeded = "demo.seeded"
	demoSample = "demo.sample-search"
)

func runDemo(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f serveFlags
	f.register(fs, e, "secunion-data")
	persons := fs.Int("persons", 2000, "synthetic persons to load into the source systems when the data folder is new")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *persons < 0 || *persons > synth.MaxPersons {
		return secunion.Errorf(secunion.Invalid, "--persons: between 0 and %d", synth.MaxPersons)
	}
	if f.postgres != "" {
		return secunion.Errorf(secunion.Invalid, "the demo runs on the embedded store: use --data, or `secunion serve --postgres`")
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	if f.data == "" {
		return secunion.Errorf(secunion.Invalid, "give --data DIR")
	}
	keys, err := store.LoadKeys(f.keyDir())
	if err != nil {
		return err
	}
	clock := &demoClock{}
	db, err := store.OpenSQLite(ctx, f.data, store.Options{Keys: keys, Logger: log, Clock: clock})
	if err != nil {
		return err
	}
	tokens, sample, removals, err := prepareDemo(ctx, db, clock, *persons, e)
	var images string
	if err == nil {
		images, err = writeDemoReuploads(f.data, demoCrisisImage)
	}
	if err != nil {
		db.Close()
		return err
	}
	return serve(ctx, f, db, keys, log, func(addr string) {
		base := "http://" + addr
		var flow *demoFlow
		if removals {
			var err error
			if flow, err = startDemoFlow(ctx, db, base); err != nil {
				log.Error("demo: simulated providers", "error", err)
			}
		}
		printDemo(e.stdout, base, f.data, tokens, sample, flow, removals, images)
		if flow != nil {
			go flow.issue(ctx, base, tokens[demoActor("BE-TCO").Login], log)
		}
	})
}

// prepareDemo seeds the data folder if it is new and returns fresh demo
// tokens, the sample search, and whether the folder holds the removal
// orders' demo (folders seeded by earlier versions do not).
func prepareDemo(ctx context.Context, db *store.DB, clock *demoClock, persons int, e env) (map[string]string, string, bool, error) {
	if err := seedDemo(ctx, db, clock, persons, e); err != nil {
		return nil, "", false, err
	}
	if err := ensureDemoAuthorities(ctx, db); err != nil {
		return nil, "", false, err
	}
	tokens, err := demoTokens(ctx, db)
	if err != nil {
		return nil, "", false, err
	}
	sample, err := db.Setting(ctx, demoSample)
	if err != nil {
		return nil, "", false, err
	}
	removals, err := db.Setting(ctx, demoRemovalSeeded)
	return tokens, sample, removals != "", err
}

// seedDemo creates the demo authorities and users once per data folder,
// loads synthetic persons into the source systems and plays the history
// of removal orders, on clock, which it leaves at the system time. It
// refuses a folder that holds a real node: demo users have a published
// password.
func seedDemo(ctx context.Context, db *store.DB, clock *demoClock, persons int, e env) error {
	done, err := db.Setting(ctx, demoSeeded)
	if err != nil || done != "" {
		return err
	}
	if as, err := db.Authorities(ctx); err != nil || len(as) > 0 {
		if err != nil {
			return err
		}
		return secunion.Errorf(secunion.Invalid, "this data folder holds a node that is not a demo: run `secunion serve` on it, or give the demo another --data folder")
	}
	// Nothing is written yet: the seeding may stand the clock back, so
	// that the history of removal orders has happened by the start.
	clock.stand(clock.Now().Add(-demoHistory))
	defer clock.run()
	op := secunion.LocalOperator
	for _, d := range demoAuthorities {
		if _, err := db.CreateAuthority(ctx, op, d.authority); err != nil && secunion.CodeOf(err) != secunion.Conflict {
			return err
		}
		u := d.user
		u.Authority = d.authority.Code
		if _, err := db.CreateUser(ctx, op, u, demoPassword); err != nil && secunion.CodeOf(err) != secunion.Conflict {
			return err
		}
	}
	if err := loadSynthetic(ctx, db, persons, e); err != nil {
		return err
	}
	// The identity links of the loaded records, as `secunion links detect`
	// finds them; a serving node detects those of later writes itself.
	x, err := loadIdentity(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	if _, err := detectLinks(ctx, db, x, runtime.GOMAXPROCS(0), e); err != nil {
		return err
	}
	if err := seedRemovalHistory(ctx, db, clock); err != nil {
		return err
	}
	if err := seedDemoCrisis(ctx, db, clock); err != nil {
		return err
	}
	if err := seedDemoHub(ctx, db); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(demoSeeded, tx.Now().Format(time.RFC3339)) })
}

// loadSynthetic generates persons (seed 1) and imports their records and
// biometric templates, as `secunion synth --templates` followed by
// `secunion import` would.
func loadSynthetic(ctx context.Context, db *store.DB, persons int, e env) error {
	if persons == 0 {
		return nil
	}
	prog := newCounter(e, -1, "loading synthetic records", "records")
	batch := make([]identity.Record, 0, importBatch)
	var templates []biometric.Template
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, _, err := db.ImportBatch(ctx, batch); err != nil {
			return err
		}
		if _, _, err := db.ImportTemplates(ctx, templates); err != nil {
			return err
		}
		prog.Add(len(batch))
		batch, templates = batch[:0], templates[:0]
		return nil
	}
	sample := ""
	o := synth.Options{Persons: persons, Seed: 1, Now: db.Clock().Now()}
	err := synth.Generate(o, func(r identity.Record, t synth.Truth) error {
		if sample == "" && r.Person != nil && r.Person.BirthDate != "" && r.System == "VIS" {
			b, _ := json.Marshal(map[string]string{"surname": r.Person.Surname, "birth_date": r.Person.BirthDate})
			sample = string(b)
		}
		r.Owner = demoOwners[r.System]
		tps, err := synth.Templates(o, r, t)
		if err != nil {
			return err
		}
		templates = append(templates, tps...)
		batch = append(batch, r)
		if len(batch) == importBatch {
			return flush()
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	prog.Finish()
	return db.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(demoSample, sample) })
}

// demoTokens issues one fresh week-long API token per demo user, revoking
// the demo tokens of earlier starts: secrets are shown once, so each start
// prints new ones.
func demoTokens(ctx context.Context, db *store.DB) (map[string]string, error) {
	op := secunion.LocalOperator
	out := map[string]string{}
	for _, d := range demoAuthorities {
		old, err := db.Tokens(ctx, d.user.Login)
		if err != nil {
			return nil, err
		}
		for _, t := range old {
			if t.Name == "demo" && t.Revoked == nil {
				if err := db.RevokeToken(ctx, op, t.ID); err != nil {
					return nil, err
				}
			}
		}
		secret, _, err := db.CreateToken(ctx, op, d.user.Login, "demo", 7*24*time.Hour)
		if err != nil {
			return nil, err
		}
		out[d.user.Login] = secret
	}
	return out, nil
}

// printDemo writes the start-up message: where the console is, the
// logins and tokens, what to try, and, when the folder holds them
// (removals), what the removal orders' demo shows and how flow's
// simulated providers answer.
func printDemo(w io.Writer, url, data string, tokens map[string]string, sample string, flow *demoFlow, removals bool, images string) {
	fmt.Fprintf(w, "secunion demo is running.\n\n  Console:  %s\n  Data:     %s (delete it to start afresh)\n\n", url, data)
	fmt.Fprintf(w, "Console logins (password for every user: %s):\n\n", demoPassword)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  LOGIN\tAUTHORITY\tKIND\tROLES")
	for _, d := range demoAuthorities {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", d.user.Login, d.authority.Code, d.authority.Kind, strings.Join(d.user.Roles, ","))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nAPI tokens (valid 7 days; new ones are printed at every start):\n\n")
	tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, d := range demoAuthorities {
		fmt.Fprintf(tw, "  %s\t%s\n", d.user.Login, tokens[d.user.Login])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nTry:\n  curl -H 'Authorization: Bearer %s' %s/api/v1/me\n", tokens["border.officer"], url)
	if sample != "" {
		fmt.Fprintf(w, "  curl -H 'Authorization: Bearer %s' -H 'X-Purpose: border-check' -H 'Content-Type: application/json' \\\n       -d '%s' %s/api/v1/search\n", tokens["border.officer"], sample, url)
	}
	switch {
	case flow != nil:
		fmt.Fprintf(w, "\nRemoval orders: BE-TCO issues an order to each simulated provider and one to IE-VIDSHARE now.\n")
		for _, line := range flow.describe() {
			fmt.Fprintf(w, "  %s\n", line)
		}
		fmt.Fprintf(w, "  IE-VIDSHARE waits for vidshare.contact to answer in the console within the hour.\n")
		fmt.Fprintf(w, "Log in as tco.officer to follow them live beside the history (a late removal, a cannot-comply),\n")
		fmt.Fprintf(w, "as ie.tco.officer to scrutinise an order to VidShare or decide its exposure (Exposure).\n")
	case !removals:
		fmt.Fprintf(w, "\nThis data folder was seeded before the demo had removal orders: give --data a new folder to see them.\n")
	}
	if removals {
		reupload := filepath.Join(images, reuploadName(1))
		fmt.Fprintf(w, "\nRe-uploads: VidShare's removals put the hashes of %d images into the bank tco-removed; %s holds\n", demoRemovedImages, images)
		fmt.Fprintf(w, "copies of them, smaller, mirrored and re-compressed. Log in as vidshare.contact and drop one on Hash lookup, or:\n")
		fmt.Fprintf(w, "  curl -H 'Authorization: Bearer %s' --data-binary @%s %s/api/v1/signals/lookup\n", tokens["vidshare.contact"], reupload, url)
		fmt.Fprintf(w, "Crisis: the protocol is active for a livestreamed attack (Crisis room, as tco.officer, europol.analyst or a provider);\n")
		fmt.Fprintf(w, "a provider's lookup of %s counts as an upload blocked there.\n", filepath.Join(images, reuploadName(demoCrisisImage)))
	}
	fmt.Fprintf(w, "\nPress Ctrl-C to stop.\n")
}
