package privacy_test

import (
	"encoding/base64"
	"testing"

	"github.com/baton-hq/baton/internal/privacy"
)

// TestMentionsTheEmailAsTyped: a queue message, an inbox item or a dead
// letter keeps an event as it was sent, the email as typed: with a
// zero-width space or a BOM inside, full-width, upper case. The person
// the email normalises to is named by it all the same (their erasure
// deletes it); another address is not.
func TestMentionsTheEmailAsTyped(t *testing.T) {
	s := privacy.Subject{Person: "p-1", Email: "alice@acme.example"}
	for _, doc := range []string{
		`{"traits":{"email":"alice\u200b@acme.example"}}`,
		`{"fields":{"email":"\ufeffAlice@Acme.Example"}}`,
		`{"f":"ａｌｉｃｅ＠ａｃｍｅ．ｅｘａｍｐｌｅ"}`,
		`{"f":"mail alice@acme\u00ad.example today"}`,
		`{"b":"` + base64.StdEncoding.EncodeToString([]byte(`{"email":"alice\u202e@acme.example"}`)) + `"}`,
		"not json: alice\u2060@acme.example",
	} {
		if !privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = false", doc)
		}
	}
	for _, doc := range []string{`{"email":"bob@acme.example"}`, `{"email":"alic@acme.example"}`, `{"n":"alice"}`} {
		if privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = true", doc)
		}
	}
}

// TestMentionsNoLongerAddress: an address inside a longer one is another
// person's (joann@ holds ann@): their inbox lead, queued MQL or dead letter
// was disclosed to ann, and deleted by ann's erasure. An address touching
// other text is still theirs.
func TestMentionsNoLongerAddress(t *testing.T) {
	s := privacy.Subject{Person: "p-1", Email: "ann@acme.example"}
	for _, doc := range []string{
		`{"email":"joann@acme.example"}`,
		`{"email":"jo.ann@acme.example"}`,
		`{"email":"jo_ann@acme.example"}`,
		`{"email":"ann@acme.example.org"}`,
		`{"email":"ann@acme.examples"}`,
		`{"email":"ann@acme.example-2.org"}`,
		`{"note":"cc: ann+news@acme.example, joann@acme.example"}`,
	} {
		if privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = true", doc)
		}
	}
	for _, doc := range []string{
		`{"email":"ann@acme.example"}`,
		`{"note":"連絡先ann@acme.exampleまでお願いします"}`,
		`{"url":"https://www.example.com/?email=ann@acme.example&x=1"}`,
		`{"to":"Ann <ann@acme.example>"}`,
		`{"note":"write to ann@acme.example."}`,
		`{"note":"joann@acme.example, then ann@acme.example"}`,
		`{"email":"ANN@acme.example"}`,
	} {
		if !privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = false", doc)
		}
	}
}

// TestMentionsAnAddressPercentEncoded: a page's URL keeps an address as
// the newsletter link or the browser encoded it (email=ann%40acme.example,
// a list joined by %2C, quoted by %22): it names the person, and their
// erasure must find it; a longer address encoded is still another's.
func TestMentionsAnAddressPercentEncoded(t *testing.T) {
	s := privacy.Subject{Person: "p-1", Email: "ann@acme.example"}
	for _, doc := range []string{
		`{"url":"https://www.example.com/thanks?email=ann%40acme.example&utm_source=mail"}`,
		`{"url":"https://www.example.com/share?to=bob%40x.example%2Cann@acme.example"}`,
		`{"url":"https://www.example.com/search?q=%22ann@acme.example%22"}`,
		`{"url":"https://www.example.com/?q=%E9%80%A3%E7%B5%A1ANN%40ACME.EXAMPLE"}`,
	} {
		if !privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = false", doc)
		}
	}
	for _, doc := range []string{
		`{"url":"https://www.example.com/thanks?email=joann%40acme.example"}`,
		`{"url":"https://www.example.com/thanks?email=ann%40acme.example.org"}`,
		`{"url":"https://www.example.com/thanks?email=ann%2Bnews%40acme.example"}`,
	} {
		if privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = true", doc)
		}
	}
}

// TestMentionsAnAddressAfterAJSONEscape: JSON kept as text inside a string
// (a receiver's error body quoted in a message, a document that is not
// JSON itself) holds its escapes as written: the n of \n, the c of \u003c
// (Go's <) read as the letters of a longer address, and the person's
// address there was missed; one inside a longer address still is.
func TestMentionsAnAddressAfterAJSONEscape(t *testing.T) {
	s := privacy.Subject{Person: "p-1", Email: "ann@acme.example"}
	for _, doc := range []string{
		`{"error":"the receiver answered 400: {\"to\":\"Ann \\u003cann@acme.example\\u003e\"}"}`,
		`{"error":"the receiver answered 400: name: Ann\\nann@acme.example"}`,
		`not json: {"to":"\u003cAnn@acme.example\u003e"}`,
	} {
		if !privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = false", doc)
		}
	}
	for _, doc := range []string{
		`{"error":"400: {\"to\":\"\\u003cjoann@acme.example\\u003e\"}"}`,
		`{"error":"400: name: Jo\\nxann@acme.example"}`,
	} {
		if privacy.Mentions([]byte(doc), s) {
			t.Errorf("Mentions(%s) = true", doc)
		}
	}
}
