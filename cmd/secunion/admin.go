package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"secunion"
	"secunion/access"
	"secunion/store"
)

const adminUsage = `usage: secunion admin <object> <action> [flags]

  authority create --code C --name N --country CC --kind K
  authority list
  user create --login L --name N --authority C --roles r1,r2 [--password-stdin]
  user list [--authority C]
  user password --login L            (reads the new password on stdin)
  user disable --login L / user enable --login L
  token create --user L [--name N] [--days D]   (prints the token alone)
  token list --user L
  token revoke --id ID
Every action takes --data DIR or --postgres DSN (and --keys DIR).
Actions run as the local operator and are written to the audit log.
`

func runAdmin(ctx context.Context, args []string, e env) error {
	if len(args) < 2 {
		fmt.Fprint(e.stderr, adminUsage)
		return secunion.Errorf(secunion.Invalid, "admin needs an object and an action")
	}
	object, action, args := args[0], args[1], args[2:]
	fs := flag.NewFlagSet("admin "+object+" "+action, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e, "")
	str := func(name, usage string) *string { return fs.String(name, "", usage) }
	withDB := func(f func(*store.DB) error) error {
		if err := fs.Parse(args); err != nil {
			return err
		}
		db, _, err := sf.open(ctx, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), false)
		if err != nil {
			return err
		}
		defer db.Close()
		return f(db)
	}
	op := secunion.LocalOperator
	switch object + " " + action {
	case "authority create":
		code, name, country, kind := str("code", "authority code, e.g. DE-BPOL"), str("name", "name"), str("country", "Member State code, EU or XX"), str("kind", "kind of authority")
		return withDB(func(db *store.DB) error {
			a, err := db.CreateAuthority(ctx, op, access.Authority{Code: *code, Name: *name, Country: *country, Kind: access.Kind(*kind)})
			if err == nil {
				fmt.Fprintf(e.stdout, "created authority %s (%s)\n", a.Code, a.Kind)
			}
			return err
		})
	case "authority list":
		return withDB(func(db *store.DB) error {
			as, err := db.Authorities(ctx)
			tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tCOUNTRY\tKIND\tNAME")
			for _, a := range as {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Code, a.Country, a.Kind, a.Name)
			}
			tw.Flush()
			return err
		})
	case "user create":
		login, name, authority, roles := str("login", "login"), str("name", "full name"), str("authority", "authority code"), str("roles", "comma-separated roles: admin, officer, supervisor")
		pwStdin := fs.Bool("password-stdin", false, "read a console password from the first line of stdin")
		return withDB(func(db *store.DB) error {
			password := ""
			if *pwStdin {
				var err error
				if password, err = readLine(e); err != nil {
					return err
				}
			}
			u, err := db.CreateUser(ctx, op, access.User{Login: *login, Name: *name, Authority: *authority, Roles: splitList(*roles)}, password)
			if err == nil {
				fmt.Fprintf(e.stdout, "created user %s of %s\n", u.Login, u.Authority)
			}
			return err
		})
	case "user list":
		authority := str("authority", "only users of this authority")
		return withDB(func(db *store.DB) error {
			us, err := db.Users(ctx, *authority)
			tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "LOGIN\tAUTHORITY\tROLES\tNAME")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Login, u.Authority, strings.Join(u.Roles, ","), u.Name)
			}
			tw.Flush()
			return err
		})
	case "user disable", "user enable":
		login := str("login", "login")
		return withDB(func(db *store.DB) error {
			if err := db.SetDisabled(ctx, op, *login, action == "disable"); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s %sd\n", *login, action)
			return nil
		})
	case "user password":
		login := str("login", "login")
		return withDB(func(db *store.DB) error {
			password, err := readLine(e)
			if err != nil {
				return err
			}
			if err := db.SetPassword(ctx, op, *login, password); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "password of %s changed; its console sessions ended\n", *login)
			return nil
		})
	case "token create":
		user, name := str("user", "login of the token's user"), fs.String("name", "cli", "what the token is for")
		days := fs.Int("days", 90, "lifetime in days (1–366)")
		return withDB(func(db *store.DB) error {
			secret, _, err := db.CreateToken(ctx, op, *user, *name, time.Duration(*days)*24*time.Hour)
			if err == nil {
				fmt.Fprintln(e.stdout, secret)
			}
			return err
		})
	case "token list":
		user := str("user", "login")
		return withDB(func(db *store.DB) error {
			ts, err := db.Tokens(ctx, *user)
			tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tSTATE")
			now := time.Now()
			for _, t := range ts {
				state := "active"
				if t.Revoked != nil {
					state = "revoked"
				} else if !t.Active(now) {
					state = "expired"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Created.Format(time.RFC3339), t.Expires.Format(time.RFC3339), state)
			}
			tw.Flush()
			return err
		})
	case "token revoke":
		id := str("id", "token ID (tok_…)")
		return withDB(func(db *store.DB) error {
			if err := db.RevokeToken(ctx, op, *id); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked %s\n", *id)
			return nil
		})
	}
	fmt.Fprint(e.stderr, adminUsage)
	return secunion.Errorf(secunion.Invalid, "unknown admin action %q", object+" "+action)
}

func readLine(e env) (string, error) {
	s := bufio.NewScanner(e.stdin)
	if !s.Scan() {
		return "", secunion.Errorf(secunion.Invalid, "expected a password on stdin")
	}
	return strings.TrimRight(s.Text(), "\r"), nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
