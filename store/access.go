package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"secunion"
	"secunion/access"
	"secunion/audit"
)

var adminDecl = access.Declaration{Purpose: secunion.PurposeAdministration}

// isUniqueViolation reports whether err is a unique-constraint failure in
// either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// CreateAuthority adds an authority. Only administrators and the local
// operator may.
func (db *DB) CreateAuthority(ctx context.Context, actor secunion.Actor, a access.Authority) (access.Authority, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	if err := access.CanCreateAuthority(actor, a.Kind); err != nil {
		return a, db.deny(ctx, actor, adminDecl, "create authority "+a.Code, secunion.MessageOf(err))
	}
	err := db.Write(ctx, func(tx *Tx) error {
		a.Created = tx.Now()
		_, err := tx.Exec(`INSERT INTO authorities (code, name, country, kind, created_ns) VALUES (?, ?, ?, ?, ?)`,
			a.Code, a.Name, a.Country, string(a.Kind), nanos(a.Created))
		if isUniqueViolation(err) {
			return secunion.Errorf(secunion.Conflict, "authority %s already exists", a.Code)
		}
		if err != nil {
			return dbError(err, "create authority")
		}
		return tx.Audit(auditEntry(actor, audit.OpAuthorityCreated, "authority:"+a.Code))
	})
	return a, err
}

// auditEntry is an administration entry by actor on objects.
func auditEntry(actor secunion.Actor, op audit.Operation, objects ...string) audit.Entry {
	return audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: op,
		Purpose: string(secunion.PurposeAdministration), Objects: objects, Outcome: "ok"}
}

// Authorities lists every authority by code.
func (db *DB) Authorities(ctx context.Context) ([]access.Authority, error) {
	rows, err := db.query(ctx, `SELECT code, name, country, kind, created_ns FROM authorities ORDER BY code`)
	if err != nil {
		return nil, dbError(err, "list authorities")
	}
	defer rows.Close()
	var out []access.Authority
	for rows.Next() {
		var a access.Authority
		var ns int64
		if err := rows.Scan(&a.Code, &a.Name, &a.Country, &a.Kind, &ns); err != nil {
			return nil, dbError(err, "list authorities")
		}
		a.Created = fromNanos(ns)
		out = append(out, a)
	}
	return out, dbError(rows.Err(), "list authorities")
}

// Authority returns the authority with the given code.
func (db *DB) Authority(ctx context.Context, code string) (access.Authority, error) {
	var a access.Authority
	var ns int64
	err := db.queryRow(ctx, `SELECT code, name, country, kind, created_ns FROM authorities WHERE code = ?`, code).
		Scan(&a.Code, &a.Name, &a.Country, &a.Kind, &ns)
	if errors.Is(err, sql.ErrNoRows) {
		return a, secunion.Errorf(secunion.NotFound, "no authority %s", code)
	}
	a.Created = fromNanos(ns)
	return a, dbError(err, "read authority")
}

// CreateUser adds a user with an optional console password (users with
// only API tokens have none). Only the local operator gives a password:
// a user created by anyone else sets their own (InviteUser).
func (db *DB) CreateUser(ctx context.Context, actor secunion.Actor, u access.User, password string) (access.User, error) {
	if password != "" && !actor.Local {
		return u, secunion.Errorf(secunion.Invalid, "password: nobody sets another user's password; the new user sets it with the enrolment code")
	}
	hash := ""
	if password != "" {
		var err error
		if hash, err = access.HashPassword(password); err != nil {
			return u, err
		}
	}
	u, _, err := db.createUser(ctx, actor, u, hash, false)
	return u, err
}

// InviteUser adds a user without a password and returns the one-time
// enrolment code with which the user sets it (SetPasswordWith), valid for
// access.EnrolmentLifetime: how admins create users through the API and
// the console.
func (db *DB) InviteUser(ctx context.Context, actor secunion.Actor, u access.User) (access.User, access.Enrolment, error) {
	return db.createUser(ctx, actor, u, "", true)
}

// createUser adds u with the password hash given, if any, and an
// enrolment code when enrol is set, once access.CanGrant allows it. Whether
// the authority has an admin is read in the same transaction, so that two
// concurrent creations cannot both be its first admin.
func (db *DB) createUser(ctx context.Context, actor secunion.Actor, u access.User, hash string, enrol bool) (access.User, access.Enrolment, error) {
	var e access.Enrolment
	auth, err := db.Authority(ctx, u.Authority)
	if err != nil {
		if secunion.CodeOf(err) == secunion.NotFound {
			return u, e, secunion.Errorf(secunion.Invalid, "user %s: no authority %s", u.Login, u.Authority)
		}
		return u, e, err
	}
	if err := u.Validate(auth.Kind); err != nil {
		return u, e, err
	}
	if (hash != "" || enrol) && slices.Contains(u.Roles, access.RoleNode) {
		return u, e, secunion.Errorf(secunion.Invalid, "a node's service user uses API tokens only: no password, no enrolment")
	}
	var refusal error
	err = db.Write(ctx, func(tx *Tx) error {
		hasAdmin, err := tx.hasAdmin(u.Authority, "")
		if err != nil {
			return err
		}
		if refusal = access.CanGrant(actor, u.Authority, auth.Kind, u.Roles, hasAdmin); refusal != nil {
			return errRefused
		}
		u.Created = tx.Now()
		err = tx.QueryRow(`INSERT INTO users (login, name, authority, roles, password_hash, disabled, created_ns)
			VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id`,
			u.Login, u.Name, u.Authority, strings.Join(u.Roles, ","), hash, nanos(u.Created)).Scan(&u.ID)
		if isUniqueViolation(err) {
			return secunion.Errorf(secunion.Conflict, "login %s is taken", u.Login)
		}
		if err != nil {
			return dbError(err, "create user")
		}
		if enrol {
			if e, err = tx.enrol(u.ID); err != nil {
				return err
			}
		}
		entry := auditEntry(actor, audit.OpUserCreated, "user:"+u.Login, "authority:"+u.Authority)
		if enrol {
			entry.Detail = "enrolment code issued"
		}
		return tx.Audit(entry)
	})
	if errors.Is(err, errRefused) {
		return u, e, db.deny(ctx, actor, adminDecl, "create user "+u.Login, secunion.MessageOf(refusal))
	}
	return u, e, err
}

// hasAdmin reports whether authority has a user holding the admin role,
// disabled or not, other than login.
func (t *Tx) hasAdmin(authority, login string) (bool, error) {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM users WHERE authority = ? AND login <> ? AND (',' || roles || ',') LIKE ?`,
		authority, login, "%,"+access.RoleAdmin+",%").Scan(&n)
	return n > 0, dbError(err, "count admins")
}

// enrol replaces the enrolment code of a user with a new one.
func (t *Tx) enrol(userID int64) (access.Enrolment, error) {
	code, hash := access.NewSecret(access.EnrolmentPrefix)
	e := access.Enrolment{Code: code, Expires: t.Now().Add(access.EnrolmentLifetime)}
	if _, err := t.Exec(`DELETE FROM enrolments WHERE user_id = ?`, userID); err != nil {
		return e, dbError(err, "enrol")
	}
	_, err := t.Exec(`INSERT INTO enrolments (user_id, hash, created_ns, expires_ns) VALUES (?, ?, ?, ?)`, userID, hash, nanos(t.Now()), nanos(e.Expires))
	return e, dbError(err, "enrol")
}

// ReissueEnrolment gives a user invited with InviteUser who has not set a
// password yet a new enrolment code, voiding the earlier one: for one whose code expired or
// went astray. Whoever may create such a user now may do it
// (access.CanGrant), so the first admin's code stays with the
// administrators and an officer's with its authority's admins.
func (db *DB) ReissueEnrolment(ctx context.Context, actor secunion.Actor, login string) (access.Enrolment, error) {
	var e access.Enrolment
	u, err := db.User(ctx, login)
	if err != nil {
		return e, err
	}
	auth, err := db.Authority(ctx, u.Authority)
	if err != nil {
		return e, err
	}
	what := "issue an enrolment code to " + login
	var refusal error
	err = db.Write(ctx, func(tx *Tx) error {
		// Only a user invited through the API or console who never
		// enrolled has an enrolment row: a user made at the command line
		// without a password, who works with tokens, gets no code, which
		// would let whoever asks for it take the account over.
		var hash string
		var disabled, pending int
		if err := tx.QueryRow(`SELECT password_hash, disabled, (SELECT COUNT(*) FROM enrolments e WHERE e.user_id = u.id) FROM users u WHERE id = ?`, u.ID).Scan(&hash, &disabled, &pending); err != nil {
			return dbError(err, "read user")
		}
		hasAdmin, err := tx.hasAdmin(u.Authority, login)
		if err != nil {
			return err
		}
		refusal = access.CanGrant(actor, u.Authority, auth.Kind, u.Roles, hasAdmin)
		switch {
		case refusal != nil:
			return errRefused
		case hash != "" || pending == 0:
			return secunion.Errorf(secunion.Conflict, "user %s is not waiting to enrol: only an invited user who has not set a password gets a new code", login)
		case disabled != 0:
			return secunion.Errorf(secunion.Conflict, "user %s is disabled: enable it first", login)
		}
		if e, err = tx.enrol(u.ID); err != nil {
			return err
		}
		entry := auditEntry(actor, audit.OpUserChanged, "user:"+login)
		entry.Detail = "enrolment code issued"
		return tx.Audit(entry)
	})
	if errors.Is(err, errRefused) {
		return e, db.deny(ctx, actor, adminDecl, what, secunion.MessageOf(refusal))
	}
	return e, err
}

// errBadEnrolment is the one answer to an unknown, used or expired code.
var errBadEnrolment = secunion.Errorf(secunion.Unauthenticated, "the enrolment code is unknown, used or expired: ask your admin for a new one")

// Enrol sets the password of the user an enrolment code belongs to and
// uses the code up. The user does it, so the entry names the user. A bad
// code, sent from remote, is audited as a denial.
func (db *DB) Enrol(ctx context.Context, code, password, remote string) (access.User, error) {
	u, err := db.enrol(ctx, code, password)
	if err == errBadEnrolment {
		if derr := db.RecordDenial(ctx, secunion.Actor{}, access.Declaration{}, "enrolment with a bad code from "+remote, secunion.MessageOf(err)); derr != nil {
			return u, derr
		}
		return u, secunion.Audited(err)
	}
	return u, err
}

func (db *DB) enrol(ctx context.Context, code, password string) (access.User, error) {
	if !strings.HasPrefix(code, access.EnrolmentPrefix) || len(code) > 100 {
		return access.User{}, errBadEnrolment
	}
	// The code is looked up before the password is hashed (argon2id, 19
	// MiB): bad codes cost the node nothing but a lookup.
	var live int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE hash = ? AND expires_ns > ?`, access.HashSecret(code), nanos(db.clock.Now())).Scan(&live); err != nil {
		return access.User{}, dbError(err, "enrol")
	}
	if live == 0 {
		return access.User{}, errBadEnrolment
	}
	hash, err := access.HashPassword(password)
	if err != nil {
		return access.User{}, err
	}
	var u access.User
	err = db.Write(ctx, func(tx *Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u JOIN enrolments e ON e.user_id = u.id
			WHERE e.hash = ? AND e.expires_ns > ? AND u.disabled = 0 AND u.password_hash = ''`, access.HashSecret(code), nanos(tx.Now())))
		if errors.Is(err, sql.ErrNoRows) {
			return errBadEnrolment
		}
		if err != nil {
			return dbError(err, "enrol")
		}
		if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID); err != nil {
			return dbError(err, "enrol")
		}
		if _, err := tx.Exec(`DELETE FROM enrolments WHERE user_id = ?`, u.ID); err != nil {
			return dbError(err, "enrol")
		}
		return tx.Audit(audit.Entry{Authority: u.Authority, User: u.Login, Operation: audit.OpUserChanged,
			Purpose: string(secunion.PurposeAdministration), Objects: []string{"user:" + u.Login}, Outcome: "ok", Detail: "enrolled: the user set their password"})
	})
	return u, err
}

// SetPassword changes a user's console password.
func (db *DB) SetPassword(ctx context.Context, actor secunion.Actor, login, password string) error {
	u, err := db.User(ctx, login)
	if err != nil {
		return err
	}
	// Nobody sets another user's password through the program: whoever did
	// could act as that user.
	if !actor.Local && actor.Login != login {
		return db.deny(ctx, actor, adminDecl, "set password of "+login, "only the user or the node's operator may set a password")
	}
	hash, err := access.HashPassword(password)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID); err != nil {
			return dbError(err, "set password")
		}
		// A new password ends every console session of the user, and any
		// enrolment code still pending, which could set another.
		if _, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return dbError(err, "set password")
		}
		if _, err := tx.Exec(`DELETE FROM enrolments WHERE user_id = ?`, u.ID); err != nil {
			return dbError(err, "set password")
		}
		e := auditEntry(actor, audit.OpUserChanged, "user:"+login)
		e.Detail = "password changed"
		return tx.Audit(e)
	})
}

const userColumns = `u.id, u.login, u.name, u.authority, u.roles, u.disabled, u.created_ns`

func scanUser(s scanner) (access.User, error) {
	var u access.User
	var roles string
	var disabled int
	var ns int64
	if err := s.Scan(&u.ID, &u.Login, &u.Name, &u.Authority, &roles, &disabled, &ns); err != nil {
		return u, err
	}
	u.Roles = strings.Split(roles, ",")
	u.Disabled = disabled != 0
	u.Created = fromNanos(ns)
	return u, nil
}

// ListUsers returns the users of one authority (all when authority is ""
// and actor administers every authority) and records the consultation: user
// records are personal data of the authorities' staff.
func (db *DB) ListUsers(ctx context.Context, actor secunion.Actor, decl access.Declaration, authority string) ([]access.User, error) {
	if authority == "" && !access.CanManageAuthorities(actor) || authority != "" && !access.CanAdminister(actor, authority) {
		return nil, db.deny(ctx, actor, decl, "list users of "+authority, "you may not list users of authority "+authority)
	}
	us, err := db.Users(ctx, authority)
	if err != nil {
		return nil, err
	}
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{"users:" + cmp.Or(authority, "*")},
			Categories: []string{"user-accounts"}, Results: len(us), Outcome: "ok"})
	})
	return us, err
}

// ReadUser returns one user to actor (the user or one who administers its
// authority) and records the consultation. A user actor may not see looks
// the same as one that does not exist.
func (db *DB) ReadUser(ctx context.Context, actor secunion.Actor, decl access.Declaration, login string) (access.User, error) {
	u, err := db.User(ctx, login)
	if err != nil {
		return u, err
	}
	if actor.Login != login && !access.CanAdminister(actor, u.Authority) {
		if err := db.RecordDenial(ctx, actor, decl, "read user "+login, "not an admin of the user's authority"); err != nil {
			return access.User{}, err
		}
		return access.User{}, secunion.Errorf(secunion.NotFound, "no user %s", login)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpConsultation,
			Purpose: string(decl.Purpose), Justification: decl.Justification, Objects: []string{"user:" + login},
			Categories: []string{"user-accounts"}, Results: 1, Outcome: "ok"})
	})
	return u, err
}

// SetDisabled disables or re-enables a user. A disabled user's sessions
// end and its tokens stop working at once.
func (db *DB) SetDisabled(ctx context.Context, actor secunion.Actor, login string, disabled bool) error {
	u, err := db.User(ctx, login)
	if err != nil {
		return err
	}
	auth, err := db.Authority(ctx, u.Authority)
	if err != nil {
		return err
	}
	if !access.CanDisable(actor, u.Authority, auth.Kind, disabled) {
		what := map[bool]string{true: "disable", false: "enable"}[disabled]
		return db.deny(ctx, actor, adminDecl, what+" user "+login, "you may not "+what+" users of authority "+u.Authority)
	}
	return db.Write(ctx, func(tx *Tx) error {
		flag, detail := 0, "enabled"
		if disabled {
			flag, detail = 1, "disabled"
		}
		if _, err := tx.Exec(`UPDATE users SET disabled = ? WHERE id = ?`, flag, u.ID); err != nil {
			return dbError(err, "disable user")
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return dbError(err, "disable user")
		}
		e := auditEntry(actor, audit.OpUserChanged, "user:"+login)
		e.Detail = detail
		return tx.Audit(e)
	})
}

// User returns the user with the given login.
func (db *DB) User(ctx context.Context, login string) (access.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.login = ?`, login))
	if errors.Is(err, sql.ErrNoRows) {
		return u, secunion.Errorf(secunion.NotFound, "no user %s", login)
	}
	return u, dbError(err, "read user")
}

// Users lists the users of one authority, or of all when authority is "".
func (db *DB) Users(ctx context.Context, authority string) ([]access.User, error) {
	q, args := `SELECT `+userColumns+` FROM users u ORDER BY u.login`, []any{}
	if authority != "" {
		q, args = `SELECT `+userColumns+` FROM users u WHERE u.authority = ? ORDER BY u.login`, []any{authority}
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbError(err, "list users")
	}
	defer rows.Close()
	var out []access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbError(err, "list users")
		}
		out = append(out, u)
	}
	return out, dbError(rows.Err(), "list users")
}

// CreateToken issues an API token for user login and returns its secret,
// which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, actor secunion.Actor, login, name string, lifetime time.Duration) (string, access.Token, error) {
	u, err := db.User(ctx, login)
	if err != nil {
		return "", access.Token{}, err
	}
	// A token lets its holder act as its user, so only the user (or the
	// node's operator) may create one.
	if !actor.Local && actor.Login != login {
		return "", access.Token{}, db.deny(ctx, actor, adminDecl, "create token for "+login, "tokens are created by their own user or at the node's command line")
	}
	if lifetime == 0 {
		lifetime = access.DefaultTokenLifetime
	}
	if lifetime < time.Minute || lifetime > access.MaxTokenLifetime {
		return "", access.Token{}, secunion.Errorf(secunion.Invalid, "token lifetime: between one minute and %d days", int(access.MaxTokenLifetime.Hours()/24))
	}
	if name = strings.TrimSpace(name); name == "" || len(name) > 100 {
		return "", access.Token{}, secunion.Errorf(secunion.Invalid, "token name: give 1–100 characters")
	}
	secret, hash := access.NewSecret(access.TokenPrefix)
	t := access.Token{ID: secunion.NewID("tok"), User: login, Name: name}
	err = db.Write(ctx, func(tx *Tx) error {
		t.Created, t.Expires = tx.Now(), tx.Now().Add(lifetime)
		if _, err := tx.Exec(`INSERT INTO tokens (id, user_id, hash, name, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, u.ID, hash, t.Name, nanos(t.Created), nanos(t.Expires)); err != nil {
			return dbError(err, "create token")
		}
		return tx.Audit(auditEntry(actor, audit.OpTokenCreated, "token:"+t.ID, "user:"+login))
	})
	if err != nil {
		return "", t, err
	}
	return secret, t, nil
}

// RevokeToken revokes a token at once. Revoking a revoked token is a
// no-op.
func (db *DB) RevokeToken(ctx context.Context, actor secunion.Actor, id string) error {
	var login, authority string
	err := db.queryRow(ctx, `SELECT u.login, u.authority FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id).Scan(&login, &authority)
	if errors.Is(err, sql.ErrNoRows) {
		return secunion.Errorf(secunion.NotFound, "no token %s", id)
	}
	if err != nil {
		return dbError(err, "revoke token")
	}
	auth, err := db.Authority(ctx, authority)
	if err != nil {
		return err
	}
	if actor.Login != login && !access.CanDisable(actor, authority, auth.Kind, true) {
		return db.deny(ctx, actor, adminDecl, "revoke token "+id, "you may not manage tokens of authority "+authority)
	}
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE tokens SET revoked_ns = ? WHERE id = ? AND revoked_ns IS NULL`, nanos(tx.Now()), id)
		if err != nil {
			return dbError(err, "revoke token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.Audit(auditEntry(actor, audit.OpTokenRevoked, "token:"+id, "user:"+login))
	})
}

// Tokens lists the tokens of a user, newest first.
func (db *DB) Tokens(ctx context.Context, login string) ([]access.Token, error) {
	rows, err := db.query(ctx, `SELECT t.id, u.login, t.name, t.created_ns, t.expires_ns, t.revoked_ns
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.login = ? ORDER BY t.created_ns DESC, t.id`, login)
	if err != nil {
		return nil, dbError(err, "list tokens")
	}
	defer rows.Close()
	var out []access.Token
	for rows.Next() {
		var t access.Token
		var c, e int64
		var r sql.NullInt64
		if err := rows.Scan(&t.ID, &t.User, &t.Name, &c, &e, &r); err != nil {
			return nil, dbError(err, "list tokens")
		}
		t.Created, t.Expires = fromNanos(c), fromNanos(e)
		if r.Valid {
			rt := fromNanos(r.Int64)
			t.Revoked = &rt
		}
		out = append(out, t)
	}
	return out, dbError(rows.Err(), "list tokens")
}

const actorQuery = `SELECT u.id, u.login, u.authority, a.kind, u.roles, u.disabled FROM users u JOIN authorities a ON a.code = u.authority`

func scanActor(s scanner) (secunion.Actor, bool, error) {
	var a secunion.Actor
	var roles string
	var disabled int
	err := s.Scan(&a.UserID, &a.Login, &a.Authority, &a.AuthorityKind, &roles, &disabled)
	a.Roles = strings.Split(roles, ",")
	return a, disabled != 0, err
}

var errBadToken = secunion.Errorf(secunion.Unauthenticated, "the token is unknown, expired or revoked")

// TokenActor returns the user a Bearer token belongs to. Unknown, expired
// and revoked tokens and disabled users get one Unauthenticated error, so
// the answer tells an attacker nothing.
func (db *DB) TokenActor(ctx context.Context, secret string) (secunion.Actor, error) {
	if !strings.HasPrefix(secret, access.TokenPrefix) || len(secret) > 100 {
		return secunion.Actor{}, errBadToken
	}
	a, disabled, err := scanActor(db.queryRow(ctx, actorQuery+` JOIN tokens t ON t.user_id = u.id
		WHERE t.hash = ? AND t.revoked_ns IS NULL AND t.expires_ns > ?`, access.HashSecret(secret), nanos(db.clock.Now())))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled) {
		return secunion.Actor{}, errBadToken
	}
	return a, dbError(err, "authenticate")
}

// LoginFailure records a failed console login. An unknown login is kept
// only as a keyed HMAC: people type passwords and names into login fields,
// and the log is never erased. reason is safe text ("unknown user",
// "wrong password").
func (db *DB) LoginFailure(ctx context.Context, login string, known bool, remote, reason string) error {
	e := audit.Entry{Operation: audit.OpLoginFailed, Outcome: "denied", Detail: secunion.Clip(reason+" from "+remote, 200)}
	var values []string
	if known {
		e.User = login
	} else {
		values = []string{login}
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.Audit(e, values...) })
}

// Session is a console session.
type Session struct {
	Actor secunion.Actor
	CSRF  string // the token forms must carry
}

// dummyHash is checked against when the login is unknown, so that an
// unknown login costs as much time as a wrong password. It is made on first
// use, not at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := access.HashPassword("not a password of anyone")
	return h
})

// CheckPassword returns the actor for login when password is right, and an
// Unauthenticated error with a reason for the log otherwise. It spends the
// same time on an unknown login as on a wrong password.
func (db *DB) CheckPassword(ctx context.Context, login, password string) (secunion.Actor, string, error) {
	var a secunion.Actor
	var roles, hash string
	var disabled int
	err := db.queryRow(ctx, `SELECT u.id, u.login, u.authority, a.kind, u.roles, u.disabled, u.password_hash
		FROM users u JOIN authorities a ON a.code = u.authority WHERE u.login = ?`, login).
		Scan(&a.UserID, &a.Login, &a.Authority, &a.AuthorityKind, &roles, &disabled, &hash)
	bad := secunion.Errorf(secunion.Unauthenticated, "wrong login or password")
	switch {
	case errors.Is(err, sql.ErrNoRows):
		access.CheckPassword(dummyHash(), password)
		return a, "unknown user", bad
	case err != nil:
		return a, "", dbError(err, "log in")
	case !access.CheckPassword(hash, password):
		return a, "wrong password", bad
	case disabled != 0:
		return a, "user disabled", bad
	}
	a.Roles = strings.Split(roles, ",")
	return a, "", nil
}

// CreateSession opens a console session for actor after a successful login
// and records the login. It returns the session secret for the cookie.
func (db *DB) CreateSession(ctx context.Context, actor secunion.Actor, remote string) (string, Session, error) {
	secret, hash := access.NewSecret("sus_")
	csrf, _ := access.NewSecret("")
	s := Session{Actor: actor, CSRF: csrf}
	err := db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE expires_ns <= ?`, nanos(tx.Now())); err != nil {
			return dbError(err, "log in")
		}
		if _, err := tx.Exec(`INSERT INTO sessions (hash, user_id, csrf, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?)`,
			hash, actor.UserID, csrf, nanos(tx.Now()), nanos(tx.Now().Add(access.SessionLifetime))); err != nil {
			return dbError(err, "log in")
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpLogin,
			Outcome: "ok", Detail: secunion.Clip("console login from "+remote, 200)})
	})
	return secret, s, err
}

// SessionFor returns the live session with the given secret.
func (db *DB) SessionFor(ctx context.Context, secret string) (Session, error) {
	var s Session
	var roles string
	var disabled int
	err := db.queryRow(ctx, `SELECT u.id, u.login, u.authority, a.kind, u.roles, u.disabled, s.csrf
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN authorities a ON a.code = u.authority
		WHERE s.hash = ? AND s.expires_ns > ?`, access.HashSecret(secret), nanos(db.clock.Now())).
		Scan(&s.Actor.UserID, &s.Actor.Login, &s.Actor.Authority, &s.Actor.AuthorityKind, &roles, &disabled, &s.CSRF)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled != 0) {
		return Session{}, secunion.Errorf(secunion.Unauthenticated, "your session has ended: log in again")
	}
	s.Actor.Roles = strings.Split(roles, ",")
	return s, dbError(err, "read session")
}

// EndSession logs a console session out.
func (db *DB) EndSession(ctx context.Context, secret string, actor secunion.Actor) error {
	return db.Write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM sessions WHERE hash = ?`, access.HashSecret(secret))
		if err != nil {
			return dbError(err, "log out")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.Audit(audit.Entry{Authority: actor.Authority, User: actor.Login, Operation: audit.OpLogout, Outcome: "ok"})
	})
}
