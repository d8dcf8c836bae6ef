package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium returns the path of a Chromium binary, or skips the test (fails
// it under CI=true, where the binary must be installed).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium or chromium-browser on PATH: the browser test cannot run (install Debian's chromium)")
	}
	t.Skip("SKIPPING THE BROWSER TEST: no chromium or chromium-browser on PATH (apt-get install chromium)")
	return ""
}

// TestBrowserLogin drives a real browser through the login: a visitor is
// sent to the login form, a wrong password is refused with a message, the
// right one opens the home page.
func TestBrowserLogin(t *testing.T) {
	exe := chromium(t)
	e := setup(t, nil)
	srv := e.serve(t, false, false)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), // no internet here
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
	)
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	if location != srv.URL+"/login" {
		t.Fatalf("visiting / without a session lands on %s, want %s/login", location, srv.URL)
	}
	// The style sheet loads under the page's Content-Security-Policy.
	band, err := chromedp.Run(bctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).backgroundColor`))
	if err != nil || band != "rgb(11, 61, 145)" {
		t.Errorf("header background = %q, %v: the style sheet did not apply", band, err)
	}

	submit := chromedp.CSS(`#login-form button[type="submit"]`)
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), "not her password"),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.ID("error")),
	); err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	message, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("error")))
	if err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	if message != "Wrong login or password." {
		t.Errorf("after a wrong password the page says %q, want %q", message, "Wrong login or password.")
	}

	if err := chromedp.Do(bctx,
		chromedp.SetValue(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
	); err != nil {
		t.Fatalf("right password: %v", err)
	}
	var heading, authority string
	for _, read := range []struct {
		dst *string
		sel chromedp.CSS
	}{{&heading, "h1"}, {&authority, "#home-authority"}} {
		if *read.dst, err = chromedp.Run(bctx, chromedp.Text(read.sel)); err != nil {
			t.Fatalf("home page: %v", err)
		}
	}
	if location, err = chromedp.Run(bctx, chromedp.Location()); err != nil {
		t.Fatalf("home page: %v", err)
	}
	if !strings.Contains(heading, "Welcome") || !strings.Contains(authority, "DE-BPOL") || location != srv.URL+"/" {
		t.Errorf("after login: at %s, heading %q, authority %q; want /, Welcome and DE-BPOL", location, heading, authority)
	}
}
