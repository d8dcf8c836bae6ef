package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAlertObject drives a real browser through the alert hub: a
// reader signs in, opens the hub from the navigation, a collection, its
// indicators and the indicator whose description is marked TLP:RED, and
// sees the TLP badge in TLP 2.0's colours and the description marked as
// redacted, its text absent.
func TestBrowserAlertObject(t *testing.T) {
	bctx := browser(t)
	h := hubEnv(t)
	if err := chromedp.Do(bctx,
		chromedp.Navigate(h.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("login"), "fr"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
		chromedp.Click(chromedp.CSS(`nav a[href="/alerts"]`)),
		chromedp.WaitVisible(chromedp.ID("collections")),
		chromedp.Click(chromedp.CSS(`#collections a[href="`+h.path("")+`"]`)),
		chromedp.WaitVisible(chromedp.ID("objects")),
		chromedp.SetValue(chromedp.ID("type"), "indicator"),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#objects a[href="`+h.path(stixID("indicator", 1))+`"]`)),
	); err != nil {
		t.Fatalf("sign in and open the collection's indicators: %v", err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#objects tbody tr").length`))
	if err != nil || rows != 2 {
		t.Errorf("the indicators filter lists %d rows (%v), want the two indicators", rows, err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#objects a[href="`+h.path(stixID("indicator", 1))+`"]`)),
		chromedp.WaitVisible(chromedp.ID("properties")),
	); err != nil {
		t.Fatalf("open the indicator: %v", err)
	}
	redacted, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#properties tr[data-selector="description"] .redacted`)))
	if err != nil || redacted != "redacted" {
		t.Errorf("the description row says %q (%v), want it marked redacted", redacted, err)
	}
	leaked, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.body.textContent.includes("two operators")`))
	if err != nil || leaked {
		t.Errorf("the TLP:RED description is on the page (%v)", err)
	}
	badge, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`(b => [b.textContent, getComputedStyle(b).color, getComputedStyle(b).backgroundColor])(document.querySelector("h1 .tlp"))`))
	if err != nil || len(badge) != 3 || badge[0] != "TLP:GREEN" || badge[1] != "rgb(51, 255, 0)" || badge[2] != "rgb(0, 0, 0)" {
		t.Errorf("the TLP badge is %q (%v), want TLP:GREEN in #33FF00 on black", badge, err)
	}
	note, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("redacted-note")))
	if err != nil || note == "" {
		t.Errorf("no note that parts were cut out (%v)", err)
	}
}
