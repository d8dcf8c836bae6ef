package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRASRoom drives a real browser through the Rapid Alert
// System: Germany's contact point raises an alert from its room and sees
// it open, France yet to acknowledge; France's contact point signs in,
// acknowledges it and sees it settled; from the alert's object page its
// hashtag leads to a correlation that finds the alert and France's
// narrative.
func TestBrowserRASRoom(t *testing.T) {
	bctx := browser(t)
	h := rasEnv(t)
	signIn := func(login string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.WaitVisible(chromedp.ID("login-form")),
			chromedp.SendKeys(chromedp.ID("login"), login),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("home-authority")),
			chromedp.Click(chromedp.CSS(`nav a[href="/alerts/ras"]`)),
			chromedp.Click(chromedp.CSS(`#rooms a[href="`+h.room()+`"]`)),
			chromedp.WaitVisible(chromedp.ID("open-alerts")),
		)
	}
	if err := chromedp.Do(bctx,
		chromedp.Navigate(h.srv.URL+"/login"),
		signIn("de"),
		chromedp.SendKeys(chromedp.ID("title"), "Fake postal-vote deadline"),
		chromedp.SendKeys(chromedp.ID("description"), "Posts tagged #PostalVoteHoax claim postal votes close a week early."),
		chromedp.Click(chromedp.ID("threshold")),
		chromedp.SendKeys(chromedp.ID("justification"), "The same forged notice circulates in three Member States within a day."),
		chromedp.SendKeys(chromedp.ID("techniques"), "T0049"),
		chromedp.Click(chromedp.CSS(`#narratives input[value="`+h.narrative+`"]`)),
		chromedp.Click(chromedp.CSS(`#raise-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#open-alerts article[data-status="open"]`)),
	); err != nil {
		t.Fatalf("raise an alert in the room: %v", err)
	}
	open, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`(a => [a.querySelector("h3").textContent, a.querySelector(".outstanding").textContent, document.getElementById("notice").textContent])(document.querySelector("#open-alerts article"))`))
	if err != nil || len(open) != 3 || !strings.Contains(open[0], "Fake postal-vote deadline") || open[1] != "FR-RAS" || !strings.Contains(open[2], "is raised") {
		t.Fatalf("the open alert says %q (%v), want its title, FR-RAS yet to acknowledge and a notice", open, err)
	}

	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`form.logout button`)),
		signIn("fr"),
		chromedp.Click(chromedp.CSS(`#open-alerts .ack-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#settled-alerts article[data-status="acknowledged"]`)),
	); err != nil {
		t.Fatalf("France acknowledges: %v", err)
	}
	acked, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[document.getElementById("no-open") !== null ? "none open" : "still open", document.querySelector("#settled-alerts .ack").dataset.contactPoint]`))
	if err != nil || len(acked) != 2 || acked[0] != "none open" || acked[1] != "FR-RAS" {
		t.Errorf("after France's acknowledgement the room says %q (%v), want none open and FR-RAS's acknowledgement", acked, err)
	}

	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#settled-alerts a.object-link`)),
		chromedp.WaitVisible(chromedp.ID("values")),
		chromedp.Click(chromedp.CSS(`#values a.correlate`)),
		chromedp.WaitVisible(chromedp.ID("matches")),
	); err != nil {
		t.Fatalf("correlate the alert's hashtag: %v", err)
	}
	found, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[document.getElementById("parsed").textContent, ...[...document.querySelectorAll("#matches tr.match")].map(r => r.cells[1].textContent).sort()]`))
	if err != nil || strings.Join(found, " ") != "postalvotehoax campaign x-eu-ras-alert" {
		t.Errorf("the correlation of the hashtag finds %q (%v), want the alert and the narrative", found, err)
	}
}
