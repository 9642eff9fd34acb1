package push

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/textcut"
)

// FormValue is one value of a form, as the visitor read it: the field's
// label on the page (else the attribute's name in the lead's language),
// and what they typed.
type FormValue struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Bounds of the form's values a summary quotes: the inquiry (message)
// stays whole, these are the rest of the form, each one line.
const (
	maxFormValues     = 20
	maxFormLabelBytes = 100
	maxFormValueBytes = 1000
	// maxInquiryBytes bounds the inquiry as the person's attribute does
	// (identity keeps 2,000 Japanese characters of it).
	maxInquiryBytes = 6000
)

// sfaTaken are the attributes an SFA has fields for (the connectors'
// default mappings: Salesforce's Lead and HubSpot's contact alike), the
// person's key and the inquiry, which Summary quotes on its own: the
// form's other values are said in the summary, or no one in sales sees
// them.
var sfaTaken = map[string]bool{
	"name": true, "first_name": true, "last_name": true, "email": true, "message": true,
	"company": true, "title": true, "phone": true, "industry": true, "country": true,
	"city": true, "region": true, "website": true,
}

// PersonURL is the person's page in Baton's workspace under base (where
// browsers reach Baton, its base path included): the admin's person path
// (GET /admin/people/{id}). "" without a base.
func PersonURL(base, person string) string {
	base = strings.TrimSuffix(strings.TrimSpace(base), "/")
	if base == "" || person == "" {
		return ""
	}
	return base + "/admin/people/" + url.PathEscape(person)
}

// formValues are the values of the form ev that no SFA field takes
// (sfaTaken), read as identity reads them into attributes (extra: the
// site's form_fields), each labelled by the label the visitor read
// (else the attribute's name in lang), sorted by label, at most
// maxFormValues.
func formValues(ev event.Event, extra identity.FieldNames, lang string) []FormValue {
	fields, labels := ev.Attributes(), ev.Labels()
	known, custom := identity.SplitLabelled(fields, labels, extra)
	raws := make([]string, 0, len(fields))
	for raw := range fields {
		raws = append(raws, raw)
	}
	sort.Strings(raws)
	// The field each value came from, read alone as the form was: its
	// label is the visitor's word for it.
	labelOf := map[string]string{}
	for _, raw := range raws {
		if labels[raw] == "" {
			continue
		}
		kn, cu := identity.SplitLabelled(map[string]string{raw: fields[raw]}, labels, extra)
		for k := range kn {
			if _, seen := labelOf["attr:"+k]; !seen && kn[k] == known[k] {
				labelOf["attr:"+k] = labels[raw]
			}
		}
		for k := range cu {
			if _, seen := labelOf["custom:"+k]; !seen {
				labelOf["custom:"+k] = labels[raw]
			}
		}
	}
	var out []FormValue
	for k, v := range known {
		if !sfaTaken[k] {
			out = append(out, FormValue{Label: cmpOr(labelOf["attr:"+k], jatext.Name(lang, "attr:"+k)), Value: v})
		}
	}
	for k, v := range custom {
		// A builder's hidden fields (_wpcf7, _token) and the campaign's
		// parameters a page copies into its form are no answer of the
		// visitor's.
		if strings.HasPrefix(k, "_") || strings.HasPrefix(strings.ToLower(k), "utm_") {
			continue
		}
		out = append(out, FormValue{Label: cmpOr(labelOf["custom:"+k], k), Value: v})
	}
	for i := range out {
		out[i].Label = textcut.Bytes(oneLine(out[i].Label), maxFormLabelBytes)
		out[i].Value = textcut.Bytes(oneLine(out[i].Value), maxFormValueBytes)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > maxFormValues {
		out = out[:maxFormValues]
	}
	return out
}

// LaterForm is a form the person sent after the MQL, before its lead was
// built (Lead.LaterForm): when, and what it said that the form the lead's
// values come from did not (its message, when another; its values no SFA
// field takes, where they differ).
type LaterForm struct {
	At      time.Time
	Message string
	Values  []FormValue
}

// formsOf sets the lead's form values from tl (newest first): those of
// the latest form up to at (the MQL's moment: the form that qualified the
// person, or the last before it), and what the newest form after it
// changed (LaterForm). A salesperson reads the values beside an MQL as
// what the person said when they qualified: a later form's, as the
// person's latest attributes held them, were shown as those.
func (l *Lead) formsOf(tl []event.Event, at time.Time, extra identity.FieldNames, loc *time.Location) {
	var later *event.Event
	for i, ev := range tl {
		if ev.Type != event.FormSubmit || ev.Flagged() {
			continue
		}
		if ev.Timestamp.After(at) {
			if later == nil {
				later = &tl[i]
			}
			continue
		}
		l.FormValues = formValues(ev, extra, l.Lang)
		if msg := formMessage(ev, extra); msg != "" {
			l.Inquiry = &msg
		}
		break
	}
	if later == nil {
		return
	}
	lf := &LaterForm{At: later.Timestamp.In(loc), Message: formMessage(*later, extra)}
	if l.Inquiry == nil && lf.Message != "" {
		// The message attribute is the later form's (or an older
		// form's, which it replaced): said below, not as the inquiry.
		none := ""
		l.Inquiry = &none
	}
	if l.Inquiry != nil && strings.TrimSpace(lf.Message) == strings.TrimSpace(*l.Inquiry) {
		lf.Message = ""
	}
	for _, v := range formValues(*later, extra, l.Lang) {
		if !slices.Contains(l.FormValues, v) {
			lf.Values = append(lf.Values, v)
		}
	}
	if lf.Message != "" || len(lf.Values) > 0 {
		l.LaterForm = lf
	}
}

// formMessage is the message (inquiry) of the form ev, read as identity
// reads it into the person's message attribute.
func formMessage(ev event.Event, extra identity.FieldNames) string {
	known, _ := identity.SplitLabelled(ev.Attributes(), ev.Labels(), extra)
	return known["message"]
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// oneLine is s on one line: its line breaks spaces, without control
// characters, trimmed.
func oneLine(s string) string {
	return strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)))
}

// inquiryWords are a language's words for what the summary quotes of the
// person: the link to their page, their inquiry, the form's other values.
type inquiryWords struct {
	page, message, values, value string
	later                        string // the heading of a form sent after the MQL, naming its time
}

var (
	inquiryEN = inquiryWords{page: "Person in Baton (journey, score explained): %s\n", message: activityEN.message,
		values: "Other values of the form:\n", value: "%s: %s\n",
		later: "A form sent after the MQL, %s (not part of why it qualified; what it changed):\n"}
	inquiryJA = inquiryWords{page: "Baton の人物ページ（行動の履歴とスコアの内訳）：%s\n", message: activityJA.message,
		values: "フォームのその他の入力：\n", value: "%s：%s\n",
		later: "MQL の後に送られたフォーム（%s、MQL の理由には含みません。変わった入力）：\n"}
)

// writeInquiry writes the link to the person's page in Baton, then what
// they typed: the inquiry (the message of the form the lead's values come
// from, else their message attribute, as the re-inquiry's text quotes it)
// and that form's values no SFA field takes (Lead.FormValues), then what a
// form sent after the MQL changed, under its own heading. It
// comes before the touches and the activity, so that an SFA field too
// short for the whole summary cuts the activity, not the person's words.
// What the person typed is marked as the summary marks any URL not on the
// team's sites (event.Unlinked); Baton's own link is written as it is, a
// link.
func (l Lead) writeInquiry(b *strings.Builder, w summaryWords) {
	iw := inquiryEN
	if l.Lang == "ja" {
		iw = inquiryJA
	}
	if l.PersonURL != "" {
		fmt.Fprintf(b, iw.page, l.PersonURL)
	}
	msg := l.Attributes["message"]
	if l.Inquiry != nil {
		msg = *l.Inquiry
	}
	l.writeForm(b, w, iw, msg, iw.values, l.FormValues)
	if lf := l.LaterForm; lf != nil {
		fmt.Fprintf(b, iw.later, lf.At.Format("2006-01-02 15:04 MST"))
		l.writeForm(b, w, iw, lf.Message, "", lf.Values)
	}
}

// writeForm writes a form's message and, under the heading values, its
// values.
func (l Lead) writeForm(b *strings.Builder, w summaryWords, iw inquiryWords, msg, values string, vs []FormValue) {
	if m := strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(msg))); m != "" {
		b.WriteString(iw.message + event.Unlinked(textcut.Bytes(m, maxInquiryBytes), l.Sites, w.offsite) + "\n")
	}
	if len(vs) > 0 {
		b.WriteString(values)
		for _, v := range vs {
			fmt.Fprintf(b, iw.value, event.Unlinked(v.Label, l.Sites, w.offsite), event.Unlinked(v.Value, l.Sites, w.offsite))
		}
	}
}
