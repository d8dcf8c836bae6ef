package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"secunion"
	"secunion/access"
	"secunion/crisis"
	"secunion/signals"
)

// TestBrowserCrisisRoom drives a real browser in Europol's crisis room:
// while the page stays open, a provider's hash and the blocked uploads it
// caught reach the figures over the stream, and the state follows the
// coordinated response.
func TestBrowserCrisisRoom(t *testing.T) {
	bctx := browser(t)
	e := crisisEnv(t)
	t.Cleanup(func() { chromedp.Do(bctx, chromedp.Navigate("about:blank")) })
	ctx := context.Background()
	fr := secunion.Actor{Login: "camille", Authority: "FR-OCLCTIC", AuthorityKind: string(access.KindTCOAuthority)}
	vid := secunion.Actor{Login: "aoife", Authority: "VIDSHARE", AuthorityKind: string(access.KindHostingProvider)}
	inc, err := e.db.DeclareIncident(ctx, fr, crisis.Incident{Title: "Attack footage", Description: "Footage of the attack spreads."}, []string{"VIDSHARE"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.StepIncident(ctx, fr, inc.ID, crisis.Step{Action: crisis.Activate}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("login"), "iru"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
		chromedp.Click(chromedp.CSS(`nav a[href="/crisis"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/crisis/`+inc.ID+`"]`)),
		chromedp.WaitVisible(chromedp.ID("figure-hashes")),
	); err != nil {
		t.Fatalf("log in and open the room: %v", err)
	}
	if n, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("figure-hashes"))); err != nil || n != "0" {
		t.Fatalf("hashes before sharing: %q (%v)", n, err)
	}
	item, _, err := e.db.ShareHash(ctx, vid, inc.ID, signals.Entry{Algorithm: signals.AlgMD5, Value: "900150983cd24fb0d6963f7d28e17f72"}, "")
	if err != nil {
		t.Fatal(err)
	}
	entry, err := e.db.Signal(ctx, item.Entry)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.NoteBlockedUploads(ctx, vid, []signals.Hit{{Entry: entry}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.StepIncident(ctx, fr, inc.ID, crisis.Step{Action: crisis.Coordinate}); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(bctx, chromedp.Poll[string](
		`(s => s.includes("coordinated") && s)(document.getElementById("figure-hashes").textContent + " " + document.getElementById("figure-blocked").textContent + " " + document.getElementById("room-state").textContent)`))
	if err != nil || got != "1 1 coordinated" {
		t.Errorf("the open room says %q (%v), want 1 hash, 1 blocked, coordinated", got, err)
	}
}
