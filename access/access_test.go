package access

import (
	"strings"
	"testing"
	"time"

	"secunion"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") {
		t.Error("password check accepts the wrong password or refuses the right one")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", h[:len(h)-5]} {
		if CheckPassword(bad, "correct horse battery") {
			t.Errorf("malformed hash %q matched", bad)
		}
	}
	if _, err := HashPassword("short"); secunion.CodeOf(err) != secunion.Invalid {
		t.Errorf("short password: %v", err)
	}
}

func TestDeclare(t *testing.T) {
	police := secunion.Actor{Login: "p", AuthorityKind: string(KindPolice)}
	for _, tc := range []struct {
		name, purpose, justification string
		actor                        secunion.Actor
		want                         secunion.Code
		systems                      int
	}{
		{"no purpose", "", "", police, secunion.Forbidden, 0},
		{"unknown purpose", "curiosity", "", police, secunion.Invalid, 0},
		{"law enforcement without case", "law-enforcement", "", police, secunion.Forbidden, 0},
		{"law enforcement with case", "law-enforcement", "case 2026/123", police, "", 8},
		{"identity check", "identity-check", "", police, "", 6},
		{"purpose not for this kind", "visa-examination", "", police, secunion.Forbidden, 0},
		{"provider cannot search systems", "law-enforcement", "x123", secunion.Actor{AuthorityKind: string(KindHostingProvider)}, secunion.Forbidden, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, prof, err := Declare(tc.actor, tc.purpose, tc.justification)
			if tc.want == "" {
				if err != nil || len(prof.Systems) != tc.systems {
					t.Fatalf("got %v systems %v", err, prof.Systems)
				}
				return
			}
			if secunion.CodeOf(err) != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
}

// TestProfilesCoverKinds: every kind of authority can declare at least one
// purpose, and no row names an unknown system or duplicates another.
func TestProfilesCoverKinds(t *testing.T) {
	systems := map[string]bool{SIS: true, VIS: true, EES: true, ETIAS: true, Eurodac: true, ECRISTCN: true, Europol: true, SLTD: true}
	for _, k := range Kinds {
		var purposes []secunion.Purpose
		for _, p := range ProfilesFor(k) {
			purposes = append(purposes, p.Purpose)
		}
		if purposes[len(purposes)-1] != secunion.PurposeAdministration {
			t.Errorf("kind %s cannot administer its own users", k)
		}
		if k != KindCommission && k != KindAdministrator && len(purposes) < 2 {
			t.Errorf("kind %s has no working purpose: %v", k, purposes)
		}
	}
	seen := map[string]bool{}
	for _, p := range Profiles {
		key := string(p.Kind) + "/" + string(p.Purpose)
		if seen[key] {
			t.Errorf("duplicate profile %s", key)
		}
		seen[key] = true
		for _, s := range p.Systems {
			if !systems[s] {
				t.Errorf("profile %s names unknown system %s", key, s)
			}
		}
	}
}

func TestThrottle(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		if w := th.Wait(now, "login:a"); w != 0 {
			t.Fatalf("attempt %d throttled for %v", i, w)
		}
		th.Fail(now, "login:a", "ip:x")
	}
	if w := th.Wait(now, "login:a"); w != time.Second {
		t.Errorf("after 5 failures wait %v, want 1s", w)
	}
	if w := th.Wait(now, "login:b", "ip:x"); w != time.Second {
		t.Errorf("same address, other login: wait %v, want 1s", w)
	}
	th.Fail(now, "login:a")
	th.Fail(now, "login:a")
	if w := th.Wait(now, "login:a"); w != 4*time.Second {
		t.Errorf("after 7 failures wait %v, want 4s", w)
	}
	if w := th.Wait(now.Add(16*time.Minute), "login:a"); w != 0 {
		t.Errorf("after the window: wait %v", w)
	}
	th.Succeed("login:a")
	if w := th.Wait(now, "login:a"); w != 0 {
		t.Errorf("after success: wait %v", w)
	}
}

// TestThrottleBeginCountsAtOnce: attempts admitted concurrently are counted
// before any of them fails, so no more than the free ones get through.
func TestThrottleBeginCountsAtOnce(t *testing.T) {
	th := NewThrottle()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	admitted := 0
	for i := 0; i < 50; i++ { // 50 attempts in flight at once
		if th.Begin(now, "login:a", "ip:x") == 0 {
			admitted++
		}
	}
	if admitted != 5 {
		t.Errorf("admitted %d concurrent attempts, want 5", admitted)
	}
	// A success clears the login and gives back the address's count.
	th2 := NewThrottle()
	for i := 0; i < 10; i++ {
		th2.Begin(now, "login:b", "ip:y")
		th2.Succeed("login:b")
		th2.Forgive("ip:y")
	}
	if w := th2.Wait(now, "login:b", "ip:y"); w != 0 {
		t.Errorf("ten successful logins throttled the address: %v", w)
	}
}
