package click

import (
	"io"
	"net/http"

	"github.com/baton-hq/baton/internal/httpx"
)

// readerPage is what a tracked link that leads nowhere says to the
// newsletter's reader, in English and Japanese.
type readerPage struct{ en, ja string }

var (
	linkUnknown = readerPage{
		en: `<title>This link is not valid</title><h1>This link is not valid</h1><p>The link may have been mistyped or cut short when it was copied. Open it again from the email, or write to the email's sender.</p>`,
		ja: `<title>このリンクは無効です</title><h1>このリンクは無効です</h1><p>リンクが正しく入力されていないか、コピーの際に途中で切れた可能性があります。メールからもう一度開くか、メールの送信元にお問い合わせください。</p>`,
	}
	linkRetired = readerPage{
		en: `<title>This link no longer leads anywhere</title><h1>This link no longer leads anywhere</h1><p>The page it pointed to is no longer offered through this email. Please write to the email's sender.</p>`,
		ja: `<title>このリンクは現在ご利用いただけません</title><h1>このリンクは現在ご利用いただけません</h1><p>このメールのリンク先は提供を終了しました。メールの送信元にお問い合わせください。</p>`,
	}
)

// readerLanguage is the page's language when the browser's Accept-Language
// names neither Japanese nor English (or is absent: some mail apps' in-app
// browsers send none). Baton's workspaces are Japanese B2B teams first and
// their newsletters' readers Japanese; the configuration has no language of
// the workspace's (sfa.language is that of the summary sales read).
const readerLanguage = "ja"

// notFollowed answers a click that leads nowhere: a reader's browser
// (Accept: text/html) gets a short page in its language (Accept-Language:
// Japanese or English, else readerLanguage), where a JSON body read as
// gibberish to someone who opened a newsletter link; API clients and link
// checkers keep the JSON error.
func notFollowed(w http.ResponseWriter, r *http.Request, status int, msg string, p readerPage) {
	w.Header().Add("Vary", "Accept, Accept-Language")
	if !httpx.WantsPage(r) {
		httpx.Error(w, status, msg)
		return
	}
	lang, body := "en", p.en
	if httpx.AcceptLanguageOr(r.Header.Get("Accept-Language"), readerLanguage) == "ja" {
		lang, body = "ja", p.ja
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the path holds a recipient's token
	w.WriteHeader(status)
	io.WriteString(w, `<!doctype html><html lang="`+lang+`"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`+
		`<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;line-height:1.6;color:#222}h1{font-size:1.3em}</style>`+
		body+"</html>\n")
}
