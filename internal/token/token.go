// Package token mints and verifies newsletter recipient tokens: opaque,
// URL-path-safe strings naming a person and a campaign, signed with HMAC so
// nobody can forge or alter one. No email or other personal data is inside.
//
// Binary layout (then base64url without padding):
//
//	version(1)=1 | key id length(1) | key id | issued-at unix seconds (4, big endian)
//	| person id (12 bytes: the 24 hex digits of "p_<hex>") | campaign length(1) | campaign
//	| HMAC-SHA256 over everything before, truncated to 16 bytes
//
// Keys rotate: tokens are signed with the current key; tokens signed with a
// previous key verify until that key's retirement time. BATON_LINK_KEYS holds
// the keyring as "id:base64secret" entries, current first, previous ones with
// "@<RFC 3339 time>" after which they stop verifying:
//
//	k2:3q2+7w...=,k1:q83vEj...=@2027-01-31T00:00:00Z
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Errors (errors.Is-able).
var (
	ErrMalformed    = errors.New("token: malformed")
	ErrBadSignature = errors.New("token: bad signature")
	ErrUnknownKey   = errors.New("token: unknown key")
	ErrExpired      = errors.New("token: expired")
)

// Claims are what a token says.
type Claims struct {
	PersonID string
	Campaign string
	IssuedAt time.Time
}

// Key is one signing key.
type Key struct {
	ID       string
	Secret   []byte
	NotAfter time.Time // zero for the current key; previous keys verify until then
}

// Keyring signs with the current key and verifies with any live key.
type Keyring struct {
	current Key
	keys    map[string]Key
	MaxAge  time.Duration // 0: tokens do not age out (their key may)
}

var (
	keyIDRE    = regexp.MustCompile(`^[a-z0-9]{1,8}$`)
	campaignRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	personRE   = regexp.MustCompile(`^p_[0-9a-f]{24}$`)
)

// NewKeyring builds a keyring; secrets must have at least 32 bytes.
func NewKeyring(current Key, previous ...Key) (*Keyring, error) {
	kr := &Keyring{current: current, keys: map[string]Key{}}
	for i, k := range append([]Key{current}, previous...) {
		if !keyIDRE.MatchString(k.ID) {
			return nil, fmt.Errorf("token: key id %q: use 1-8 of a-z 0-9", k.ID)
		}
		if len(k.Secret) < 32 {
			return nil, fmt.Errorf("token: key %s: secret shorter than 32 bytes", k.ID)
		}
		if _, dup := kr.keys[k.ID]; dup {
			return nil, fmt.Errorf("token: key id %s given twice", k.ID)
		}
		if i > 0 && k.NotAfter.IsZero() {
			return nil, fmt.Errorf("token: previous key %s needs @<time> after which it stops verifying", k.ID)
		}
		// The first key signs every new token: one that stops verifying
		// would mint links that fail from that time (or at once).
		if i == 0 && !k.NotAfter.IsZero() {
			return nil, fmt.Errorf("token: key %s signs new tokens and cannot stop verifying: put @<time> only on previous keys, after the first", k.ID)
		}
		kr.keys[k.ID] = k
	}
	return kr, nil
}

// ParseKeyring reads the BATON_LINK_KEYS format.
func ParseKeyring(spec string) (*Keyring, error) {
	var keys []Key
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, rest, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("token: %q: want id:base64secret[@time]", part)
		}
		secretS, until, _ := strings.Cut(rest, "@")
		secret, err := base64.StdEncoding.DecodeString(secretS)
		if err != nil {
			return nil, fmt.Errorf("token: key %s: secret is not base64", id)
		}
		k := Key{ID: id, Secret: secret}
		if until != "" {
			if k.NotAfter, err = time.Parse(time.RFC3339, until); err != nil {
				return nil, fmt.Errorf("token: key %s: %q is not an RFC 3339 time", id, until)
			}
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("token: no keys")
	}
	return NewKeyring(keys[0], keys[1:]...)
}

// NewSecret returns a random 32-byte secret, base64 encoded.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

const macLen = 16

// Sign mints a token.
func (kr *Keyring) Sign(c Claims) (string, error) {
	if !personRE.MatchString(c.PersonID) {
		return "", fmt.Errorf("token: person id %q", c.PersonID)
	}
	if !campaignRE.MatchString(c.Campaign) {
		return "", fmt.Errorf("token: campaign %q", c.Campaign)
	}
	pid, _ := hex.DecodeString(c.PersonID[2:])
	k := kr.current
	b := make([]byte, 0, 64)
	b = append(b, 1, byte(len(k.ID)))
	b = append(b, k.ID...)
	b = binary.BigEndian.AppendUint32(b, uint32(c.IssuedAt.Unix()))
	b = append(b, pid...)
	b = append(b, byte(len(c.Campaign)))
	b = append(b, c.Campaign...)
	b = append(b, mac(k.Secret, b)...)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func mac(secret, msg []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(msg)
	return m.Sum(nil)[:macLen]
}

// Verify checks a token and returns its claims.
func (kr *Keyring) Verify(tok string, now time.Time) (Claims, error) {
	if len(tok) < 20 || len(tok) > 200 {
		return Claims{}, ErrMalformed
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 2+1+4+12+1+1+macLen || b[0] != 1 {
		return Claims{}, ErrMalformed
	}
	body, sig := b[:len(b)-macLen], b[len(b)-macLen:]
	kl := int(b[1])
	if 2+kl+4+12+1 > len(body) {
		return Claims{}, ErrMalformed
	}
	kid := string(body[2 : 2+kl])
	k, ok := kr.keys[kid]
	if !ok {
		return Claims{}, ErrUnknownKey
	}
	if !hmac.Equal(sig, mac(k.Secret, body)) {
		return Claims{}, ErrBadSignature
	}
	if !k.NotAfter.IsZero() && now.After(k.NotAfter) {
		return Claims{}, fmt.Errorf("%w: signed with retired key %s", ErrExpired, kid)
	}
	p := 2 + kl
	issued := time.Unix(int64(binary.BigEndian.Uint32(body[p:])), 0).UTC()
	p += 4
	pid := "p_" + hex.EncodeToString(body[p:p+12])
	p += 12
	cl := int(body[p])
	p++
	if p+cl != len(body) {
		return Claims{}, ErrMalformed
	}
	c := Claims{PersonID: pid, Campaign: string(body[p:]), IssuedAt: issued}
	if !campaignRE.MatchString(c.Campaign) {
		return Claims{}, ErrMalformed
	}
	if kr.MaxAge > 0 && now.Sub(issued) > kr.MaxAge {
		return Claims{}, fmt.Errorf("%w: issued %s", ErrExpired, issued.Format(time.RFC3339))
	}
	return c, nil
}

// Shaped reports whether s has a token's shape (the length and alphabet
// Verify takes), whatever its signature: what arrived in a tracked link's
// token place was meant to be a token (cut, or of another key or
// campaign), not text an email tool left there.
func Shaped(s string) bool {
	if len(s) < 20 || len(s) > 200 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
