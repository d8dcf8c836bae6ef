package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"secunion/removal"
)

// TestBrowserRemovalDashboard drives a real browser on the issuing
// authority's orders dashboard: while the page stays open, the provider's
// receipt and the host State's request for scrutiny reach the row (over
// the stream), and the countdown of the hour then runs in the browser.
func TestBrowserRemovalDashboard(t *testing.T) {
	bctx := browser(t)
	e := removalEnv(t)
	// Leave the page before the server closes: its stream stays open.
	t.Cleanup(func() { chromedp.Do(bctx, chromedp.Navigate("about:blank")) })
	ctx := context.Background()
	o := e.issueTo(t, "BE-1", "VIDSHARE")
	row := "#order-" + o.ID

	if err := chromedp.Do(bctx,
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("login"), "louise"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
		chromedp.Click(chromedp.CSS(`nav a[href="/removal"]`)),
		chromedp.WaitVisible(chromedp.CSS(row)),
	); err != nil {
		t.Fatalf("log in and open the orders: %v", err)
	}
	state, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(row+" .state")))
	if err != nil || state != "sent" {
		t.Fatalf("the order is %q before receipt (%v), want sent", state, err)
	}
	if _, _, err := e.db.Order(ctx, vidshare, o.ID); err != nil { // the receipt
		t.Fatal(err)
	}
	ireland := belgium
	ireland.Login, ireland.Authority = "siobhan", "IE-CNAM"
	if _, err := e.db.StepOrder(ctx, ireland, o.ID, removal.Step{Action: removal.RequestScrutiny}); err != nil {
		t.Fatal(err)
	}
	state, err = chromedp.Run(bctx, chromedp.Poll[string](
		`(s => s.includes("scrutiny") && s)(document.querySelector("`+row+` .state").textContent)`))
	if err != nil || !strings.HasPrefix(state, "received (scrutiny due ") {
		t.Fatalf("after receipt and the request the row says %q (%v)", state, err)
	}
	left, err := chromedp.Run(bctx, chromedp.Poll[string](`document.querySelector("`+row+` .countdown").textContent`))
	if err != nil || !regexp.MustCompile(`^0:5\d:\d\d left$`).MatchString(left) {
		t.Errorf("the countdown says %q (%v), want under an hour left", left, err)
	}
}
