// Package session keeps the admin dashboard's browser sessions in the table:
//
//	PK=SESS#<sha256 of the session id>  SK=SESS  the session: credential, CSRF token, expiry
//
// The session id is the only secret the browser holds (in an HttpOnly
// cookie); the table keeps only its hash, so reading the table does not
// yield a usable session. A session ends at its expiry (the item's Expires:
// DynamoDB TTL on AWS, the embedded store's purge locally; reads filter on
// the injected clock as well, since TTL deletion is lazy) or when it is
// deleted (logout).
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// Kind is the item kind of a session (not on the change feed).
const Kind = "session"

// DefaultTTL is how long a session lasts when Store.TTL is zero: a working
// day, then the operator signs in again.
const DefaultTTL = 8 * time.Hour

// ErrNotFound: no such session, or it has expired or ended.
var ErrNotFound = errors.New("session: not found or expired")

// Session is one signed-in browser.
type Session struct {
	// Credential identifies the admin credential signed in with: a hash of
	// its token hash, matched against the configured credentials on every
	// request (a token removed from the configuration ends its sessions;
	// scopes are the credential's current ones).
	Credential string    `json:"cred"`
	Name       string    `json:"name"` // the credential's name, for the page
	CSRF       string    `json:"csrf"` // the token every state-changing request must carry
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
}

// ValidCSRF compares a presented CSRF token with the session's in constant time.
func (s Session) ValidCSRF(tok string) bool {
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.CSRF)) == 1
}

// Store creates, reads and ends sessions.
type Store struct {
	T   table.Table
	TTL time.Duration    // 0: DefaultTTL
	Now func() time.Time // nil: clock.Now
}

func (s *Store) now() time.Time { return clock.Or(s.Now)() }

func (s *Store) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

// key is where the session with this id is kept.
func key(id string) string {
	sum := sha256.Sum256([]byte("baton-session:" + id))
	return "SESS#" + hex.EncodeToString(sum[:])
}

// random returns n random bytes, URL-safe base64.
func random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Create starts a session for a credential and returns its id (for the
// cookie; not stored) and the session.
func (s *Store) Create(ctx context.Context, credential, name string) (string, Session, error) {
	id, err := random(32)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := random(32)
	if err != nil {
		return "", Session{}, err
	}
	now := s.now()
	sess := Session{Credential: credential, Name: name, CSRF: csrf, Created: now, Expires: now.Add(s.ttl())}
	data, err := json.Marshal(sess)
	if err != nil {
		return "", Session{}, err
	}
	err = s.T.Put(ctx, table.Item{PK: key(id), SK: "SESS", Kind: Kind, Data: data, Expires: sess.Expires}, table.NotExists)
	if err != nil {
		return "", Session{}, err
	}
	return id, sess, nil
}

// Get returns the live session with this id; ErrNotFound when there is
// none or it has expired.
func (s *Store) Get(ctx context.Context, id string) (Session, error) {
	if id == "" || len(id) > 128 {
		return Session{}, ErrNotFound
	}
	it, err := s.T.Get(ctx, key(id), "SESS")
	if errors.Is(err, table.ErrNotFound) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	var sess Session
	if err := json.Unmarshal(it.Data, &sess); err != nil {
		return Session{}, err
	}
	if !it.Live(now) || !now.Before(sess.Expires) {
		return Session{}, ErrNotFound
	}
	return sess, nil
}

// End deletes the session (logout); an unknown id is not an error.
func (s *Store) End(ctx context.Context, id string) error {
	if id == "" || len(id) > 128 {
		return nil
	}
	err := s.T.Delete(ctx, key(id), "SESS", table.Always)
	if errors.Is(err, table.ErrNotFound) {
		return nil
	}
	return err
}
