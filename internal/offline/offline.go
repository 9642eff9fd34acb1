// Package offline imports offline touches: the attendee lists of
// exhibitions, seminars and webinars, and exchanged business cards, as CSV
// (UTF-8 or Shift_JIS, see csvin). Each row makes its person (when needed,
// with the row's other columns as attributes) and one event of type
// offline, stored under the person's pseudo-visitor "o:<person>" (as email
// opens are), so scoring sees it through the change feed like any event:
// rules of type offline score it, and it is a touch on its channel in the
// funnel and attribution.
//
// An import is idempotent: the event id is a hash of the email, the event's
// name and the date, so the same file (or the same row in another file)
// stores nothing new the second time; but a touch's minutes: a report
// imported after the registrants' list, or again corrected, sets them on
// the stored touch (eventlog.Log.SetMinutes), which rescores its person.
package offline

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/textcut"
)

// Limits. MaxRows is what one request can store and still answer: a row
// costs about 9 store requests (the person, the touch, the link), 16 rows
// at a time, so 2,000 rows are some 6 s on DynamoDB, well inside API
// Gateway's 30 s, and about 25 s on the local stack (bbolt writes one at a
// time, about 12 ms a row), inside its 60 s WriteTimeout. 100,000 rows took
// 21 minutes locally and the client never got the answer.
const (
	MaxBytes     = 20 << 20
	MaxRows      = 2_000
	MaxEventName = 200
)

// Visitor is the pseudo-visitor a person's offline touches (and email
// opens, see internal/click) are stored under.
func Visitor(person string) string { return identity.PseudoVisitor(person) }

// Defaults fill a column the file lacks, or a row leaves empty.
type Defaults struct {
	Event   string
	Date    string
	Channel string
}

// RowError says why a row was not imported.
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Result summarises an import.
type Result struct {
	Rows     int `json:"rows"`     // data rows read (blank lines aside)
	Imported int `json:"imported"` // touches stored now
	Repeated int `json:"repeated"` // touches stored by an earlier import (or earlier in this file)
	// Updated counts the touches stored by an earlier import whose
	// minutes this one set or corrected (a webinar's registrants imported
	// before its report, a report imported again corrected), or that it
	// gave back (marked absent by an earlier report, now corrected): the
	// person is rescored. Not counted in Repeated (their rejoins' other
	// rows are).
	Updated   int        `json:"updated"`
	NewPeople int        `json:"newPeople"` // people created
	Errors    []RowError `json:"errors"`    // rows not imported, and why
	// NotAttended counts the rows of registrants who did not come (a
	// webinar report's 出席しましたか: いいえ): no touch, no person.
	NotAttended int `json:"notAttended"`
	// Withdrawn counts the touches of registrants who did not come that an
	// earlier import stored (the webinar's registrants' list imported
	// before its report): each is marked absent, and no longer scores
	// nor counts as a touch (its person is rescored).
	Withdrawn int `json:"withdrawn"`
	// HeaderRow is the header's row as Excel numbers it: 1 for a plain
	// list, further down a report with title lines above its table.
	HeaderRow int `json:"headerRow"`
	// SkippedRows counts the non-blank rows that are no part of the table:
	// a report's title lines and summary, and its other sections.
	SkippedRows int `json:"skippedRows"`
	// SkippedSections are the titles of the report's sections skipped
	// whole (Zoom's ホストの詳細, パネリストの詳細: hosts and panelists are
	// no attendees).
	SkippedSections []string `json:"skippedSections"`
	// RepeatedHeaders are the rows below the header that were the header
	// again (two lists pasted one under the other, each with its header):
	// skipped, no row of the list nor an error. One whose columns are in
	// another order (reordered) has the rows below it read by its order.
	RepeatedHeaders []csvin.Repeat `json:"repeatedHeaders"`
	// PastedTitles are the rows of the title lines just above a repeated
	// header (a second export's 来場者リスト 2026/11/20 出力: one cell
	// filled, no address), skipped with it: no row of the list nor an
	// error.
	PastedTitles []int `json:"pastedTitles"`
	// Event and Date (YYYY-MM-DD) are what the rows without their own
	// event name or date took (every row of a report, which has no such
	// column), and EventFrom and DateFrom where from: "query" (?event=,
	// ?date=) or "report" (a webinar report's summary: its トピック /
	// Topic, and the day of its 実際の開始時間 / Actual Start Time). Left
	// out when neither gave one.
	Event     string `json:"event,omitempty"`
	EventFrom string `json:"eventFrom,omitempty"`
	Date      string `json:"date,omitempty"`
	DateFrom  string `json:"dateFrom,omitempty"`
	// Channel is the channel the rows without their own took, and
	// ChannelFrom where from: "query" (?channel=) or "report": an online
	// attendance report (Zoom's, its join and leave times or time in
	// session) is a webinar's. Left out when neither gave one.
	Channel     string `json:"channel,omitempty"`
	ChannelFrom string `json:"channelFrom,omitempty"`
	// Restored are the cells of the rows imported whose leading zero
	// Excel had dropped, given back (a Japanese team's list: a phone
	// number's, 312345678 is 0312345678; a postal code's, 600001 is
	// 0600001), each with its row and column, as the file had it and as
	// stored.
	Restored []identity.Restored `json:"restored"`
}

// Where Result.Event and Result.Date came from.
const (
	FromQuery  = "query"
	FromReport = "report"
)

// FileError is a problem with the file as a whole (the answer is a 400).
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

// Events stores events (and deletes one whose person was erased during
// the import); see eventlog.Log.
type Events interface {
	Append(ctx context.Context, evs []event.Event) ([]bool, error)
	DeleteEvents(ctx context.Context, visitor string, ids ...string) (privacy.Removed, error)
	// SetMinutes sets a stored touch's minutes; the change rescores its
	// person (see eventlog.Log.SetMinutes).
	SetMinutes(ctx context.Context, visitor, id string, minutes int) (bool, error)
	// SetAbsent marks a stored touch not attended (or attended again);
	// the change rescores its person (see eventlog.Log.SetAbsent).
	SetAbsent(ctx context.Context, visitor, id string, absent bool) (bool, error)
	// Get reads a stored event (eventlog.ErrNotFound: none): a row whose
	// touch is stored writes nothing to its person unless it updates it.
	Get(ctx context.Context, visitor, id string) (event.Event, error)
}

// Linker links the pseudo-visitor to its person; see identity.Stitcher.
type Linker interface {
	LinkPerson(ctx context.Context, visitor, person string, at time.Time, s identity.Strength) (identity.LinkResult, error)
}

// Importer imports offline touches.
type Importer struct {
	Dir        *identity.Directory
	Link       Linker
	Events     Events
	FieldNames identity.FieldNames // list columns to attributes, as forms' fields
	Loc        *time.Location      // the configured timezone: dates are days there (nil: UTC)
	Now        func() time.Time
	// Japan: the team is Japanese (config.File.Japanese): the leading
	// zero Excel dropped from a phone number or postal code is given back
	// where it can only be one (identity.RestoreZeros; Result.Restored).
	Japan bool
}

// header names, NFKC-normalised and lower-cased.
var (
	eventHeaders = []string{"event", "event name", "event_name", "eventname", "イベント名", "イベント", "展示会名", "セミナー名", "ウェビナー名"}
	// 名刺交換日: Sansan's and Eight's business card exports; a datetime
	// column (来場日時) is read as its day.
	dateHeaders    = []string{"date", "event date", "event_date", "日付", "開催日", "来場日", "参加日", "交換日", "名刺交換日", "開催日時", "来場日時", "参加日時"}
	channelHeaders = []string{"channel", "チャネル", "チャンネル", "種別", "接点"}
	// Whether the person came: Zoom's webinar reports (出席しましたか,
	// Attended), and lists that mark attendance (出欠, 来場有無).
	attendedHeaders = []string{"attended", "出席しましたか", "出欠", "出席有無", "参加有無", "来場有無"}
	// How long the person stayed, one row a session: Zoom's.
	minutesHeaders = []string{"time in session (minutes)", "セッション時間(分)", "duration (minutes)"}
	// An online attendance report's own columns (Zoom's webinar and
	// meeting reports): its time in session, or each session's join and
	// leave times. Such a report is a webinar's (see Result.Channel).
	inSessionHeaders = []string{"time in session (minutes)", "セッション時間(分)"}
	joinHeaders      = []string{"join time", "参加時間"}
	leaveHeaders     = []string{"leave time", "退出時間"}
	// sessionHeaders are the other columns of a webinar report (Zoom's)
	// that say how the person attended, one row a session: facts of the
	// touch, not attributes of the person, which would go to the SFA
	// (and a rejoin's second row overwrote the first's). 国/地域名 is
	// where Zoom placed their connection, not their company's country;
	// ユーザー名（元の名前） the name they showed, not the 名 and 姓 they
	// registered.
	sessionHeaders = []string{"join time", "参加時間", "leave time", "退出時間", "registration time", "登録時間",
		"approval status", "承認ステータス", "is guest", "ゲスト", "user name (original name)", "ユーザー名(元の名前)",
		"country/region name", "国/地域名"}
	// A report's summary (above its table): the webinar's topic and
	// start time, the best named first (Zoom's webinar report says
	// 実際の開始時間, its meeting report 開始時間).
	topicHeaders = []string{"topic", "トピック"}
	startHeaders = []string{"actual start time", "実際の開始時間", "start time", "開始時間", "開始日時"}
	// Its length in minutes (a webinar report's actual one, a meeting
	// report's), the most anyone attended.
	lengthHeaders = []string{"actual duration (minutes)", "実際の所要時間(分)", "duration (minutes)", "時間(分)", "所要時間(分)"}
)

// emailNames are the email column's names a header error says were looked
// for (all of event.EmailKeyRank's are read).
const emailNames = `email, メールアドレス, メール, E-mail, Email Address, 電子メール`

// attendedValues maps what an attendance cell says (NFKC, lower case) to
// whether the person came.
var attendedValues = map[string]bool{
	"yes": true, "y": true, "true": true, "1": true, "はい": true, "出席": true, "参加": true, "来場": true, "済": true, "○": true, "〇": true, "有": true, "あり": true,
	"no": false, "n": false, "false": false, "0": false, "いいえ": false, "欠席": false, "不参加": false, "未参加": false, "×": false, "無": false, "なし": false,
}

// attended reads an attendance cell; ok is false for one that says neither.
func attended(s string) (came, ok bool) {
	came, ok = attendedValues[key(dropZeroWidth(s))]
	return came, ok
}

// channelNames maps what a list may say (NFKC, lower case) to a channel.
var channelNames = map[string]string{
	"exhibition": event.ChannelExhibition, "展示会": event.ChannelExhibition, "expo": event.ChannelExhibition, "trade show": event.ChannelExhibition, "tradeshow": event.ChannelExhibition,
	"オンライン展示会": event.ChannelExhibition, "バーチャル展示会": event.ChannelExhibition, "展示会出展": event.ChannelExhibition,
	"seminar": event.ChannelSeminar, "セミナー": event.ChannelSeminar, "conference": event.ChannelSeminar, "カンファレンス": event.ChannelSeminar, "フォーラム": event.ChannelSeminar,
	"webinar": event.ChannelWebinar, "ウェビナー": event.ChannelWebinar, "オンラインセミナー": event.ChannelWebinar,
	"webセミナー": event.ChannelWebinar, "web セミナー": event.ChannelWebinar, "ウェブセミナー": event.ChannelWebinar, "オンライン セミナー": event.ChannelWebinar,
	"business-card": event.ChannelBusinessCard, "business card": event.ChannelBusinessCard, "business_card": event.ChannelBusinessCard, "名刺交換": event.ChannelBusinessCard, "名刺": event.ChannelBusinessCard,
}

// Channel returns the channel a list's value names, or "".
//
// A zero-width character in the cell (copied from a web page) is no part
// of it, as in an event's name.
func Channel(s string) string { return channelNames[key(dropZeroWidth(s))] }

func key(s string) string { return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) }

// EventID is the id of the offline touch of email at the event on a day:
// the same row imported twice is one event.
func EventID(email, eventName, day string) string {
	h := sha256.Sum256([]byte(email + "\x00" + key(eventName) + "\x00" + day))
	return "off_" + hex.EncodeToString(h[:16])
}

// ParseDate reads YYYY-MM-DD, YYYY/MM/DD (Excel's 2026/1/5 too),
// YYYY.MM.DD, YYYYMMDD (a system's export), Jan 5, 2026 (Zoom's English
// reports; January 5, 2026 too) or 2026年1月5日 (with 令和/平成
// years: 令和8年1月5日, 令和元年, and their letters as forms write them:
// R8.1.5, H30/4/1) as the start of that day in loc. A time after the date (a datetime cell exported as
// 2026/1/5 0:00, or 2026-01-05T10:30:00) is left out: a touch is of a day,
// and a time that does not say its zone is the date as written, in loc.
// A time that says its zone (2026-10-31T15:30:00.000Z, 2026-10-31 15:30:00
// UTC, +09:00, +0900, GMT+9, JST: an SFA's or MA tool's export) is that
// instant, and the day is its day in loc: 15:30 UTC on Oct 31 is Nov 1 in
// Tokyo, and counts in November's funnel.
//
// The date may say its weekday in brackets after it, as Japanese lists
// (and Excel's yyyy/m/d(aaa)) write it: 2026/11/6(金), 2026年11月6日（金）,
// 2026-11-06 (Fri). The weekday must be the date's: one that is not says
// the date was mistyped, and the date is refused.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	in := s
	s = strings.TrimSpace(norm.NFKC.String(dropZeroWidth(s)))
	s, wd, said := cutWeekday(s)
	if cut, sign, hours, mins, ok := zoneOf(s); ok {
		return instantDay(in, strings.TrimSpace(s[:cut]), sign, hours, mins, wd, said, loc)
	}
	// The time goes from the space (or T) before its first colon: Nov 06,
	// 2026 1:58 PM is Nov 06, 2026.
	if c := strings.IndexByte(s, ':'); c > 0 {
		if i := strings.LastIndexAny(s[:c], " T"); i > 0 {
			s = s[:i]
		}
	}
	s = westernYear(s)
	for _, layout := range []string{"2006-1-2", "2006/1/2", "2006年1月2日", "2006.1.2", "20060102", "Jan 2, 2006", "January 2, 2006"} {
		if t, err := time.Parse(layout, s); err == nil { // the date as written
			if t.Year() < 2000 { // a year mistyped (0202): no touch's, as no event's
				return time.Time{}, fmt.Errorf("date %q is before 2000", s)
			}
			if said != "" && t.Weekday() != wd {
				return time.Time{}, fmt.Errorf("date %q: %s is a %s (%s), not %s: check the date", shown(in), t.Format("2006-01-02"), t.Weekday(), jaWeekdays[t.Weekday()], said)
			}
			// Its first instant in the zone: where the clocks skip
			// midnight (Santiago's 2026-09-06) time.ParseInLocation made
			// it 23:00 of the day before, filed there and a Saturday.
			return calendar.DayStart(t.Year(), t.Month(), t.Day(), loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: write YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, 2026年1月5日 or Jan 5, 2026", shown(in))
}

// jaWeekdays are the weekdays as Japanese dates write them, Sunday first.
var jaWeekdays = [7]string{"日", "月", "火", "水", "木", "金", "土"}

// weekdayNames maps a weekday as written in brackets after a date (NFKC,
// lower-cased) to it: 金, 金曜, 金曜日, fri, fri., friday.
var weekdayNames = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		ja, en := jaWeekdays[d], strings.ToLower(d.String())
		for _, n := range []string{ja, ja + "曜", ja + "曜日", en, en[:3], en[:3] + "."} {
			m[n] = d
		}
	}
	return m
}()

// cutWeekday takes a weekday in brackets ("(金)", " (Fri)") from after the
// date in s (NFKC: full-width brackets are these), before a time if one
// follows: it returns s without it, the weekday, and the bracket as written
// ("" when there is none).
func cutWeekday(s string) (string, time.Weekday, string) {
	lo := strings.IndexByte(s, '(')
	if lo <= 0 {
		return s, 0, ""
	}
	n := strings.IndexByte(s[lo:], ')')
	if n < 0 {
		return s, 0, ""
	}
	hi := lo + n
	d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s[lo+1:hi]))]
	rest := strings.TrimSpace(s[hi+1:])
	if !ok || rest != "" && !strings.Contains(rest, ":") {
		return s, 0, ""
	}
	date := strings.TrimSpace(s[:lo])
	if rest != "" {
		date += " " + rest
	}
	return date, d, s[lo : hi+1]
}

// eras are the Japanese eras a touch's date may be written in, and the
// western year before each one's first.
var eras = []struct {
	name string
	base int
}{{"令和", 2018}, {"平成", 1988}}

// westernYear rewrites a date in a Japanese era (令和8年1月5日, 令和元年…,
// R8.1.5) with its western year; anything else is returned as it is.
func westernYear(s string) string {
	if len(s) > 1 && strings.ContainsRune("RrHh", rune(s[0])) {
		// An era's letter: R8.1.5, H30/4/1 (the separator kept).
		base := 2018
		if s[0] == 'H' || s[0] == 'h' {
			base = 1988
		}
		n := 1
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if y, err := strconv.Atoi(s[1:n]); err == nil && y >= 1 && y <= 99 && n < len(s) && strings.ContainsRune("./-", rune(s[n])) {
			return strconv.Itoa(base+y) + s[n:]
		}
		return s
	}
	for _, e := range eras {
		rest, ok := strings.CutPrefix(s, e.name)
		if !ok {
			continue
		}
		n, after, ok := strings.Cut(rest, "年")
		if !ok {
			return s
		}
		y := 1
		if n != "元" {
			var err error
			if y, err = strconv.Atoi(n); err != nil || y < 1 || y > 99 {
				return s
			}
		}
		return strconv.Itoa(e.base+y) + "年" + after
	}
	return s
}

// columnKey is a column's meaning as the import reads it (the event's,
// date's, channel's ... columns, a person's attribute), "" for a name it
// does not know: a repeated header naming a column another way than the
// header (イベント名 under event, 会社 under 会社名) is the header again.
func columnKey(h string) string {
	k := csvin.Header(h)
	for _, c := range []struct {
		key   string
		names []string
	}{{"event", eventHeaders}, {"date", dateHeaders}, {"channel", channelHeaders}, {"attended", attendedHeaders},
		{"minutes", minutesHeaders}, {"join", joinHeaders}, {"leave", leaveHeaders}} {
		if slices.Contains(c.names, k) {
			return ":" + c.key
		}
	}
	if a, ok := identity.FieldAttribute(h); ok {
		return a
	}
	return ""
}

type columns struct{ email, event, date, channel, attended, minutes, join, leave int }

// Import reads the CSV and imports its rows. A row that cannot be imported
// (no valid email, event, date or channel, a person who asked to be
// forgotten) is reported in Result.Errors and the others go on. A problem
// with the file is a *FileError; any other error (the store) stops the
// import, and importing the file again completes it.
func (im *Importer) Import(ctx context.Context, r io.Reader, def Defaults) (Result, error) {
	res := Result{Errors: []RowError{}, SkippedSections: []string{}, Restored: []identity.Restored{}, RepeatedHeaders: []csvin.Repeat{}, PastedTitles: []int{}}
	loc := im.Loc
	if loc == nil {
		loc = time.UTC
	}
	now := clock.Or(im.Now)
	if def.Channel != "" && Channel(def.Channel) == "" {
		return res, &FileError{Msg: fmt.Sprintf("channel %q: %s", shown(def.Channel), channelHint)}
	}
	if def.Date != "" {
		if _, err := ParseDate(def.Date, loc); err != nil {
			return res, &FileError{Msg: err.Error()}
		}
	}
	text, _, err := csvin.Read(r, MaxBytes)
	if err != nil {
		var ce *csvin.Error
		var tl *csvin.TooLarge
		if errors.As(err, &ce) || errors.As(err, &tl) {
			return res, &FileError{Msg: err.Error()}
		}
		return res, err
	}
	cr := csvin.NewReader(text)
	var sheet csvin.Rows
	// The header is the first row naming an email column: a webinar
	// report (Zoom's 出席者レポート) has its title, a summary and its
	// hosts' and panelists' tables above the attendees' header, and was
	// refused as missing every column.
	// A row holding an address is a person's, not the header, whatever
	// another cell says (連絡方法: メール).
	tab, err := csvin.FindHeader(cr, &sheet, csvin.EmailHeader)
	if err == io.EOF {
		return res, &FileError{Msg: "the CSV is empty"}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return res, &FileError{Msg: fmt.Sprintf("line %d: %v", pe.Line, pe.Err)}
		}
		return res, &FileError{Msg: err.Error()}
	}
	if !tab.Found {
		return res, &FileError{Msg: fmt.Sprintf("no header row: no row names an email column (looked for %s in all %d rows); the first row has %s",
			emailNames, tab.Skipped, csvin.Names(tab.Header))}
	}
	header := tab.Header
	tab.Key = columnKey // a repeated header naming a column another way (event, イベント名) is the header again
	res.HeaderRow, res.SkippedRows = tab.Row, tab.Skipped
	res.SkippedSections = append(res.SkippedSections, tab.Sections...) // [] in JSON, not null
	col := columns{-1, -1, -1, -1, -1, -1, -1, -1}
	session := map[int]bool{} // a webinar report's columns of the attendance, no attributes
	// The email column is the one named plainly (email, メールアドレス), not
	// the first naming an email: a lead list's 担当者メールアドレス (the
	// exhibitor's own sales rep) before メールアドレス made the rep every
	// visitor's person. Named some other way (会社メールアドレス), it is
	// the only such column. Two of the best rank are refused, as a
	// recipient list's two email columns are: which is the person's is
	// not ours to guess.
	emails, _ := csvin.EmailColumns(header) // FindHeader's check: one at least
	col.email = emails[0]
	inSession, join, leave := false, false, false
	for i, h := range header {
		k := csvin.Header(h)
		inSession = inSession || slices.Contains(inSessionHeaders, k)
		join = join || slices.Contains(joinHeaders, k)
		leave = leave || slices.Contains(leaveHeaders, k)
		switch {
		case csvin.IsEmailColumn(h): // an email column, the person's or another's (Email 2)
		case col.attended < 0 && slices.Contains(attendedHeaders, k):
			col.attended = i
		case col.event < 0 && slices.Contains(eventHeaders, k):
			col.event = i
		case col.date < 0 && slices.Contains(dateHeaders, k):
			col.date = i
		case col.channel < 0 && slices.Contains(channelHeaders, k):
			col.channel = i
		case col.minutes < 0 && slices.Contains(minutesHeaders, k):
			col.minutes = i
			session[i] = true
		case col.join < 0 && slices.Contains(joinHeaders, k):
			col.join = i
			session[i] = true
		case col.leave < 0 && slices.Contains(leaveHeaders, k):
			col.leave = i
			session[i] = true
		case slices.Contains(sessionHeaders, k):
			session[i] = true
		}
	}
	// The query gives the event and date; a report without them in the
	// query gives its own (Zoom's summary), said in the answer.
	topic, start, length := reportSummary(tab.Above)
	noDate := ""
	switch {
	case def.Event != "":
		res.Event, res.EventFrom = eventName(def.Event), FromQuery
	case topic.value != "":
		def.Event = topic.value
		res.Event, res.EventFrom = eventName(topic.value), FromReport
	}
	switch {
	case def.Date != "":
		d, _ := ParseDate(def.Date, loc) // checked above
		res.Date, res.DateFrom = d.Format("2006-01-02"), FromQuery
	case start.value != "":
		d, err := ReportDay(start.value, loc)
		if err != nil {
			noDate = fmt.Sprintf(" (the report's %s %q: %v)", start.name, shown(start.value), err)
			break
		}
		def.Date = d.Format("2006-01-02")
		res.Date, res.DateFrom = def.Date, FromReport
	}
	// A Zoom report has no channel column: it is a webinar's (or an
	// online meeting's, which Baton's channels count as one), where
	// importing one without ?channel= was refused as missing the column.
	switch {
	case def.Channel != "":
		res.Channel, res.ChannelFrom = Channel(def.Channel), FromQuery
	case inSession || join && leave:
		def.Channel = event.ChannelWebinar
		res.Channel, res.ChannelFrom = def.Channel, FromReport
	}
	var missing []string
	if col.event < 0 && def.Event == "" {
		missing = append(missing, "event (イベント名) or ?event=")
	}
	if col.date < 0 && def.Date == "" {
		missing = append(missing, "date (日付) or ?date="+noDate)
	}
	if col.channel < 0 && def.Channel == "" {
		missing = append(missing, "channel (exhibition/展示会, seminar/セミナー, webinar/ウェビナー, business-card/名刺交換) or ?channel=")
	}
	if len(missing) > 0 {
		at := ""
		if tab.Row > 1 {
			at = fmt.Sprintf(" (row %d)", tab.Row)
		}
		return res, &FileError{Msg: fmt.Sprintf("missing columns: %s; the header%s has %s", strings.Join(missing, ", "), at, csvin.Names(header))}
	}
	today := now().In(loc)
	endOfToday := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, loc)
	var jobs []touch
	byID := map[string]int{} // a touch's index in jobs
	ended := false           // past the table: a report's later section
	for {
		rec, line, err := tab.Read(cr, &sheet) // the row in Excel, where the marketer fixes it
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return res, &FileError{Msg: fmt.Sprintf("line %d: %v", pe.Line, pe.Err)}
			}
			return res, err
		}
		if csvin.Blank(rec) {
			continue // a blank line, or Excel's empty row (",,,,")
		}
		if ended || csvin.EndsTable(rec) {
			// Zoom's Other Attended (people who joined unregistered, with
			// no email) after its attendees: no row of this list.
			if !ended {
				res.SkippedSections = append(res.SkippedSections, strings.TrimSpace(rec[0]))
			}
			ended = true
			res.SkippedRows++
			continue
		}
		if res.Rows++; res.Rows > MaxRows {
			// Refused before any row is stored.
			return res, &FileError{Msg: fmt.Sprintf("more than %d rows, the most one import stores within a request's time: split the file into lists of %d rows or fewer", MaxRows, MaxRows)}
		}
		fail := func(format string, a ...any) {
			res.Errors = append(res.Errors, RowError{Line: line, Reason: fmt.Sprintf(format, a...)})
		}
		if rec = csvin.TrimExtra(rec, len(header)); len(rec) > len(header) {
			fail("%d fields, the header has %d", len(rec), len(header))
			continue
		}
		get := func(i int, d string) string {
			if i >= 0 && i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				return strings.TrimSpace(rec[i])
			}
			return strings.TrimSpace(d)
		}
		absent := false
		if col.attended >= 0 {
			// A webinar report lists its registrants who never came
			// (出席しましたか: いいえ): no touch, and no person made of them.
			came, ok := attended(get(col.attended, ""))
			if !ok {
				fail("%s %q: write はい or いいえ (yes or no)", header[col.attended], shown(get(col.attended, "")))
				continue
			}
			if !came {
				res.NotAttended++
				absent = true
			}
		}
		rawEmail := get(col.email, "")
		for _, c := range emails[1:] {
			// Numbered (e-mail(1), e-mail(2)): the first filled, the
			// one numbered 1 when it is.
			if rawEmail != "" {
				break
			}
			rawEmail = get(c, "")
		}
		email, err := event.NormalizeEmail(rawEmail)
		if err != nil {
			if !absent {
				fail("%q is not an email address", shown(rawEmail))
			}
			continue
		}
		if absent {
			// The touch its registrants' list may have stored is
			// marked absent (below); a row that names none is no
			// error: nothing is stored of it either way.
			fail = func(string, ...any) {}
		}
		name := eventName(get(col.event, def.Event))
		if name == "" {
			fail("no event name")
			continue
		}
		if len(name) > MaxEventName {
			fail("the event name is longer than %d bytes", MaxEventName)
			continue
		}
		day, err := ParseDate(get(col.date, def.Date), loc)
		if err != nil {
			fail("%v", err)
			continue
		}
		if !day.Before(endOfToday) {
			fail("date %s is in the future", day.Format("2006-01-02"))
			continue
		}
		rawChannel := get(col.channel, def.Channel)
		channel := Channel(rawChannel)
		if channel == "" {
			fail("channel %q: %s", shown(rawChannel), channelHint)
			continue
		}
		fields := map[string]string{}
		for i, h := range header {
			if i < len(rec) && i != col.email && i != col.event && i != col.date && i != col.channel && i != col.attended && !session[i] && rec[i] != "" {
				fields[h] = rec[i]
			}
		}
		var restored []identity.Restored
		if im.Japan {
			restored = identity.RestoreZeros(fields)
			for i := range restored {
				restored[i].Line = line
			}
		}
		minutes := -1
		if m, err := strconv.Atoi(key(get(col.minutes, ""))); err == nil && m >= 0 {
			minutes = m
		}
		sess := stay{minutes: minutes}
		if col.join >= 0 && col.leave >= 0 {
			sess.join, sess.leave, sess.timed = sessionTimes(get(col.join, ""), get(col.leave, ""))
		}
		id := EventID(email, name, day.Format("2006-01-02"))
		// The ids an earlier import may have stored this touch under:
		// on the date as written of a time that says its zone, under the
		// name with its zero-width characters.
		var was []older
		written, zoned := writtenDay(get(col.date, def.Date), loc)
		zoned = zoned && !written.Equal(day)
		if zoned {
			was = append(was, older{EventID(email, name, written.Format("2006-01-02")), written})
		}
		for _, stored := range olderNames(get(col.event, def.Event), name) {
			was = append(was, older{EventID(email, stored, day.Format("2006-01-02")), day})
			if zoned {
				was = append(was, older{EventID(email, stored, written.Format("2006-01-02")), written})
			}
		}
		if j, ok := byID[id]; ok && (absent || jobs[j].absent) {
			// A no-show's row and another of the same touch: one
			// saying they came wins (its sessions are the touch's).
			if !absent {
				jobs[j] = touch{lines: append(jobs[j].lines, line), id: id, was: was, email: email, name: name, day: day, channel: channel, fields: fields, sessions: []stay{sess}, came: true}
				res.Restored = append(res.Restored, restored...)
			} else {
				jobs[j].lines = append(jobs[j].lines, line)
			}
			continue
		}
		if j, ok := byID[id]; ok {
			// Another session of the same touch (a person who rejoined
			// the webinar has a row for each): one touch, its minutes
			// those of its sessions together, its first row's columns
			// the person's (the others repeat them: repeated). A row
			// whose columns differ (two people under info@…, or a
			// corrected row below the first) would have replaced the
			// first's name while counted as a repeat: it is refused,
			// saying so.
			if c := jobs[j].merge(line, sess, fields); c != "" {
				fail("same email, event and date as line %d, one touch, but other columns: %s; the row is not imported (line %d's are the person's)", jobs[j].lines[0], c, jobs[j].lines[0])
			}
			continue
		}
		if !absent {
			res.Restored = append(res.Restored, restored...)
		}
		byID[id] = len(jobs)
		jobs = append(jobs, touch{lines: []int{line}, id: id, was: was, email: email, name: name, day: day, channel: channel, fields: fields, sessions: []stay{sess}, absent: absent, came: col.attended >= 0 && !absent})
	}
	// A header repeated below the first (two exports pasted one under
	// the other) is no row: skipped, and said.
	res.RepeatedHeaders = append(res.RepeatedHeaders, tab.Repeated...)
	for _, r := range tab.Titles {
		res.PastedTitles = append(res.PastedTitles, r.Row)
	}
	// The report's own length (Zoom's summary: 実際の所要時間（分） /
	// Actual Duration (minutes)), the most a touch's minutes can be when
	// its sessions' times do not say how they overlap.
	reportMinutes := -1
	if m, err := strconv.Atoi(key(length.value)); err == nil && m > 0 {
		reportMinutes = m
	}
	for i := range jobs {
		jobs[i].minutes = jobs[i].attended(reportMinutes)
	}
	// A person the list makes is made by their first row in the list's
	// order, but known since their earliest touch in it: their lead is
	// dated by it (the stage history, the funnel) and its channel is their
	// source, whatever order the rows came in. A seminar's row above the
	// same person's earlier exhibition made them on the seminar's day,
	// while the exhibition scored and was the funnel's first touch.
	earliest := map[string]int{} // a person's email to their earliest touch's index in jobs
	for i, j := range jobs {
		if j.absent {
			continue // a no-show makes nobody
		}
		if e, ok := earliest[j.email]; !ok || j.day.Before(jobs[e].day) {
			earliest[j.email] = i // on a tie, the row above
		}
	}
	for i := range jobs {
		if e, ok := earliest[jobs[i].email]; ok {
			jobs[i].since, jobs[i].source = jobs[e].day, jobs[e].channel
		}
	}
	// The rows are stored several at once: each is several store requests
	// (on DynamoDB, milliseconds each), and a list of a thousand rows one
	// after another outlasted API Gateway's 30 s.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	at := now().UTC()
	done := make([]touchResult, len(jobs))
	// One person's rows in the list's order: their last row's columns win.
	err = fanout.Grouped(len(jobs), importParallel, func(i int) string { return jobs[i].email }, func(i int) {
		if ctx.Err() != nil {
			done[i].err = ctx.Err()
			return
		}
		j := jobs[i]
		r := &done[i]
		if j.absent {
			if r.withdrawn, r.err = im.withdraw(ctx, j); r.err != nil {
				cancel()
			}
			return
		}
		if r.fresh, r.updated, r.created, r.err = im.row(ctx, j, at); r.err != nil &&
			!errors.Is(r.err, identity.ErrErased) && !errors.Is(r.err, errWithdrawn) {
			cancel() // the first failure stops the rest: the import fails whole (it is idempotent)
		}
	})
	if p, ok := err.(*fanout.PanicError); ok { // a 500, logged with its stack; importing again completes the rest
		return res, fmt.Errorf("line %d: %w", jobs[p.Index].lines[0], err)
	}
	for i, r := range done {
		lines := jobs[i].lines
		switch {
		case errors.Is(r.err, identity.ErrErased):
			for _, line := range lines {
				res.Errors = append(res.Errors, RowError{Line: line, Reason: "this person asked to be forgotten"})
			}
		case errors.Is(r.err, errWithdrawn):
			for _, line := range lines {
				res.Errors = append(res.Errors, RowError{Line: line, Reason: "this person withdrew consent"})
			}
		case r.err != nil && !errors.Is(r.err, context.Canceled):
			return res, fmt.Errorf("line %d: %w", lines[0], r.err)
		case r.err != nil:
			// Stopped by another row's failure, said below.
		case jobs[i].absent:
			// A no-show: counted in NotAttended.
			if r.withdrawn {
				res.Withdrawn++
			}
		case r.fresh:
			// A rejoin's other rows are the same touch, earlier in the file.
			res.Imported++
			res.Repeated += len(lines) - 1
		case r.updated:
			res.Updated++
			res.Repeated += len(lines) - 1
		default:
			res.Repeated += len(lines)
		}
		if r.created {
			res.NewPeople++
		}
	}
	if err := ctx.Err(); err != nil {
		for _, r := range done {
			if r.err != nil && !errors.Is(r.err, context.Canceled) {
				return res, r.err
			}
		}
		return res, err // the request's own context ended
	}
	slices.SortStableFunc(res.Errors, func(a, b RowError) int { return a.Line - b.Line })
	// A row not imported after all (its person erased) restored nothing.
	if len(res.Restored) > 0 && len(res.Errors) > 0 {
		refused := map[int]bool{}
		for _, e := range res.Errors {
			refused[e.Line] = true
		}
		res.Restored = slices.DeleteFunc(res.Restored, func(r identity.Restored) bool { return refused[r.Line] })
	}
	return res, nil
}

// importParallel is how many rows of a list are stored at once.
const importParallel = 16

// touch is a row of a list, checked, to store, with the rows of the same
// touch after it (a webinar's attendee who rejoined).
type touch struct {
	lines []int
	id    string // EventID
	// was are the EventIDs earlier imports may have stored the touch
	// under, each with its day (resolve): the date as written, when a
	// time that says its zone files the row on another day (imports
	// before zoned times were read as instants stored it so), and the
	// event's name with its zero-width characters, when it had some
	// (imports before they were dropped kept them), and with its other
	// wave dash (olderNames).
	was         []older
	email, name string
	day         time.Time
	channel     string
	// since and source make the person when this row is the first of
	// theirs to be stored: the day and channel of their earliest touch in
	// the list.
	since    time.Time
	source   string
	fields   map[string]string
	sessions []stay // its rows' (a rejoin has several)
	minutes  int    // attended (see attended); -1: not said
	// absent: a registrant who did not come (いいえ): nothing stored, the
	// touch an earlier import stored marked absent (Importer.withdraw).
	// came: a row saying they did (はい), which undoes that.
	absent, came bool
}

// stay is a row's session: its minutes (Zoom's セッション時間（分）; -1: not
// said) and, when the report has them, its join and leave times.
type stay struct {
	minutes     int
	join, leave time.Time
	timed       bool // join and leave read, leave not before join
}

// merge adds another row of the touch (a rejoin's: its session), a repeat
// of the first, whose columns are the person's: a repeated row writes
// nothing. A row saying otherwise than the first (another 氏名 under a
// shared address, info@…) is not merged: conflict says how, for the row's
// error, and the row is no part of the touch.
func (t *touch) merge(line int, s stay, fields map[string]string) (conflict string) {
	var diff, fill []string
	for k, v := range fields {
		was, now := strings.TrimSpace(t.fields[k]), strings.TrimSpace(v)
		switch {
		case was == now || now == "":
		case was == "":
			// A column the first row left empty (a rejoin's row giving
			// the country its first did not): no conflict, it fills it.
			fill = append(fill, k)
		default:
			diff = append(diff, fmt.Sprintf("%s %q (line %d: %q)", k, shown(now), t.lines[0], shown(was)))
		}
	}
	if len(diff) > 0 {
		slices.Sort(diff)
		return strings.Join(diff, ", ")
	}
	for _, k := range fill {
		if t.fields == nil {
			t.fields = map[string]string{}
		}
		t.fields[k] = fields[k]
	}
	t.lines = append(t.lines, line)
	t.sessions = append(t.sessions, s)
	return ""
}

// attended is the minutes the touch's sessions lasted together (-1: no row
// says any). Sessions at once (joined on a PC and a phone: 60 and 55
// minutes of a 60-minute webinar) are counted once: with every session's
// join and leave times, the minutes of their union (a session overlapping
// none keeps its own minutes, as the report rounds them); without, their
// sum, at most the report's own length (reportMinutes; -1: not stated),
// else 115 minutes of a 60-minute webinar met a rule's min_minutes: 90.
func (t *touch) attended(reportMinutes int) int {
	total, timed := -1, true
	for _, s := range t.sessions {
		if s.minutes >= 0 {
			total = max(total, 0) + s.minutes
		}
		timed = timed && s.timed
	}
	if total < 0 || len(t.sessions) == 1 {
		return total
	}
	if !timed {
		if reportMinutes >= 0 {
			total = min(total, reportMinutes)
		}
		return total
	}
	ss := slices.Clone(t.sessions)
	slices.SortFunc(ss, func(a, b stay) int { return a.join.Compare(b.join) })
	total = 0
	for i := 0; i < len(ss); {
		from, to, minutes := ss[i].join, ss[i].leave, ss[i].minutes
		if minutes < 0 {
			minutes = roundUp(to.Sub(from))
		}
		j := i + 1
		for ; j < len(ss) && ss[j].join.Before(to); j++ {
			to = later(to, ss[j].leave)
		}
		if j > i+1 {
			// Overlapping: their union, rounded up as Zoom rounds a session.
			minutes = roundUp(to.Sub(from))
		}
		total += minutes
		i = j
	}
	return total
}

// roundUp is d in minutes, a part of one counting whole, as Zoom counts a
// session's (13:58:40 to 14:40:02 is 42).
func roundUp(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sessionTimes reads a session's join and leave times (Zoom's 2026/11/06
// 13:58:40, Nov 06, 2026 13:58:40 or 01:58:40 PM, 11/06/2026 01:58:40 PM);
// ok is false when either is unreadable (--) or the leave is before the
// join. Both are read in one zone: only their difference counts.
func sessionTimes(join, leave string) (from, to time.Time, ok bool) {
	read := func(s string) (time.Time, bool) {
		s = strings.TrimSpace(norm.NFKC.String(s))
		for _, layout := range sessionLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	from, ok1 := read(join)
	to, ok2 := read(leave)
	return from, to, ok1 && ok2 && !to.Before(from)
}

var sessionLayouts = append(slices.Clone(zonedTimes),
	"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006 3:04 PM", "2006-01-02 15:04:05", "2006-01-02 15:04")

type touchResult struct {
	fresh, updated, created bool
	withdrawn               bool // an absent touch's, marked now
	err                     error
}

// errWithdrawn refuses a row of a person who withdrew consent.
var errWithdrawn = errors.New("offline: the person withdrew consent")

const channelHint = "one of exhibition (展示会), seminar (セミナー), webinar (ウェビナー), business-card (名刺交換)"

// row makes the person and stores the touch; it reports whether the touch
// is new, whether a stored one had its minutes changed, and whether the
// person is new. The row's columns are written to a known person only when
// its touch is new or updated: a repeated row writes nothing (see README,
// Offline touches), where it overwrote their name and company while
// answering repeated.
func (im *Importer) row(ctx context.Context, t touch, now time.Time) (fresh, updated, created bool, err error) {
	email, name, channel, fields := t.email, t.name, t.channel, t.fields
	// A person new to Baton is made with the row's attributes, in one
	// write; one who was there has them merged.
	known, custom := identity.SplitAttributes(fields, im.FieldNames)
	// One who was there keeps their creation: their lead's stage change
	// and the funnel's counters were written as of it (see README,
	// Offline touches).
	p, created, err := im.Dir.EnsureSince(ctx, email, "offline:"+t.source, known, custom, t.since) // refuses an erased email
	if err != nil {
		return false, false, false, err
	}
	if !p.ConsentWithdrawn.IsZero() {
		return false, false, false, errWithdrawn
	}
	vid := Visitor(p.ID)
	if err := im.resolve(ctx, vid, &t); err != nil {
		return false, false, created, err
	}
	day := t.day // resolved: the stored touch's when it is an earlier import's
	// Written before the touch when it is new, so that scoring, which the
	// touch's write sets off, reads them (their title, their company).
	write := !created && len(known)+len(custom) > 0
	if write {
		switch _, err := im.Events.Get(ctx, vid, t.id); {
		case err == nil:
			write = false // stored: written below only if this row updates it
		case !errors.Is(err, eventlog.ErrNotFound):
			return false, false, created, err
		default:
			if _, _, err := im.Dir.Update(ctx, p.ID, known, custom); err != nil {
				return false, false, created, err
			}
		}
	}
	ev := event.Event{
		ID: t.id, Type: event.Offline, VisitorID: vid, UserID: p.ID,
		ReceivedAt: now, Timestamp: day.UTC(),
		Properties: map[string]any{"event": name, "channel": channel},
	}
	if t.minutes >= 0 {
		ev.Properties["minutes"] = t.minutes // in the webinar, its sessions summed
	}
	ok, err := im.Events.Append(ctx, []event.Event{ev})
	if err != nil {
		return false, false, created, err
	}
	// Then the pseudo-visitor becomes the person's from the start (as the
	// open pixel's): a new link makes scoring take the visitor's history,
	// so the person's first stage change already knows this touch (the
	// funnel's counters file the lead under its channel).
	if _, err := im.Link.LinkPerson(ctx, vid, p.ID, time.Time{}, identity.Strong); err != nil {
		if errors.Is(err, identity.ErrNotFound) || errors.Is(err, identity.ErrErased) {
			// Erased meanwhile: the event must not outlive them.
			if _, derr := im.Events.DeleteEvents(ctx, vid, ev.ID); derr != nil {
				return false, false, created, derr
			}
			err = identity.ErrErased
		}
		return false, false, created, err
	}
	if !ok[0] && t.minutes < 0 && t.came {
		// Marked absent by an earlier report, now corrected (はい)
		// without minutes (SetMinutes undoes it too).
		// Given back: counted in updated, not repeated.
		if updated, err = im.Events.SetAbsent(ctx, vid, ev.ID, false); errors.Is(err, eventlog.ErrNotFound) {
			updated, err = false, nil
		}
		if err != nil {
			return false, false, created, err
		}
	}
	if !ok[0] && t.minutes >= 0 {
		// Stored before: by the registrants' list (no minutes), or by
		// this report imported before it was corrected. The report's
		// minutes are the touch's, else a min_minutes rule never met it.
		updated, err = im.Events.SetMinutes(ctx, vid, ev.ID, t.minutes)
		if errors.Is(err, eventlog.ErrNotFound) {
			updated, err = false, nil // erased meanwhile (its tombstone refused the put): nothing to correct
		}
		if err != nil {
			return false, false, created, err
		}
	}
	if updated && !write && !created && len(known)+len(custom) > 0 {
		// The report that set the touch's minutes (or gave it back) is
		// the row that counts: its columns are the person's, as a new
		// touch's are.
		if _, _, err := im.Dir.Update(ctx, p.ID, known, custom); err != nil {
			return false, false, created, err
		}
	}
	return ok[0], updated, created, nil
}

// older is an id an earlier import may have stored a touch under, and
// the touch's day under it.
type older struct {
	id  string
	day time.Time
}

// resolve makes t the touch an earlier import stored under another id
// (t.was: on the date as written, before zoned times were read as
// instants; under the event's name with its zero-width characters, before
// they were dropped), when the person has that one and not t's: importing
// such a list again repeats it, where it added each row again (a day
// later, or under the name without them). The stored touch keeps its name.
func (im *Importer) resolve(ctx context.Context, vid string, t *touch) error {
	if len(t.was) == 0 {
		return nil
	}
	if _, err := im.Events.Get(ctx, vid, t.id); !errors.Is(err, eventlog.ErrNotFound) {
		return err // stored as it is read now (nil), or no answer
	}
	for _, o := range t.was {
		switch _, err := im.Events.Get(ctx, vid, o.id); {
		case err == nil:
			t.id, t.day = o.id, o.day
			return nil
		case !errors.Is(err, eventlog.ErrNotFound):
			return err
		}
	}
	return nil
}

// writtenDay is the date as written of a date that says its zone (its
// time and zone cut: what imports before zoned times were read as
// instants filed it on), and whether it says one.
func writtenDay(s string, loc *time.Location) (time.Time, bool) {
	s, _, _ = cutWeekday(strings.TrimSpace(norm.NFKC.String(dropZeroWidth(s))))
	cut, _, _, _, ok := zoneOf(s)
	if !ok {
		return time.Time{}, false
	}
	d, err := ParseDate(s[:cut], loc)
	return d, err == nil
}

// withdraw marks absent the touch of a registrant the report says did not
// come, if an earlier import stored it (the webinar's registrants' list):
// it scored and counted as a touch as if they had. No person is made, and
// a person unknown, erased or without the touch has nothing to withdraw.
// It reports whether a touch was marked now.
func (im *Importer) withdraw(ctx context.Context, t touch) (bool, error) {
	p, err := im.Dir.ByEmail(ctx, t.email)
	if errors.Is(err, identity.ErrNotFound) || errors.Is(err, identity.ErrErased) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := im.resolve(ctx, Visitor(p.ID), &t); err != nil {
		return false, err
	}
	marked, err := im.Events.SetAbsent(ctx, Visitor(p.ID), t.id, true)
	if errors.Is(err, eventlog.ErrNotFound) {
		return false, nil
	}
	return marked, err
}

// cell is a value of a report's summary and its column's name.
type cell struct{ name, value string }

// reportSummary reads a report's topic, start time and length from the
// rows above its table (csvin.Table.Above): the first row naming the topic
// or start (Zoom's summary: トピック, 実際の開始時間, 実際の所要時間（分） /
// Topic, Actual Start Time, Actual Duration (minutes)) and the row below
// it, their values. A plain list has no rows above, and no summary.
func reportSummary(above []csvin.Record) (topic, start, length cell) {
	for i, r := range above {
		tc, sc, lc, rank := -1, -1, -1, len(startHeaders)
		for j, h := range r.Fields {
			k := csvin.Header(h)
			if tc < 0 && slices.Contains(topicHeaders, k) {
				tc = j
			}
			if n := slices.Index(startHeaders, k); n >= 0 && n < rank {
				sc, rank = j, n
			}
			if lc < 0 && slices.Contains(lengthHeaders, k) {
				lc = j
			}
		}
		if tc < 0 && sc < 0 {
			continue
		}
		for _, v := range above[i+1:] {
			if csvin.Blank(v.Fields) {
				continue
			}
			if _, title := csvin.Title(v.Fields); title {
				// One cell: the next section's title (Host Details), no
				// values of a summary that names several columns.
				return cell{}, cell{}, cell{}
			}
			at := func(c int) cell {
				if c < 0 || c >= len(v.Fields) {
					return cell{}
				}
				return cell{strings.TrimSpace(r.Fields[c]), strings.TrimSpace(v.Fields[c])}
			}
			return at(tc), at(sc), at(lc)
		}
		return cell{}, cell{}, cell{}
	}
	return cell{}, cell{}, cell{}
}

// ReportDay is the day in loc of a report's start time, as ParseDate's
// (the start of that day): Zoom writes 2026/11/06 13:58 in Japanese and
// Nov 06, 2026 01:58 PM in English, in the zone of the account that ran
// the report, which the file does not say; so, as a date column's, the
// date as written is the day in the workspace's zone. A time that says
// its zone (GMT+9, UTC-05:00, +09:00, UTC) is that instant, whose day in
// loc it is: a webinar at 23:30 in New York is the next day in Tokyo.
func ReportDay(s string, loc *time.Location) (time.Time, error) { return ParseDate(s, loc) }

// instantDay is the day in loc of the date and time s (NFKC, the weekday
// and the zone cut) in the zone of the offset sign hours:mins, checked as
// ParseDate checks a date; in is the value as written, for errors.
func instantDay(in, s, sign, hours, mins string, wd time.Weekday, said string, loc *time.Location) (time.Time, error) {
	h, _ := strconv.Atoi(hours)
	mi, _ := strconv.Atoi(mins)
	if h > 14 || mi > 59 {
		return time.Time{}, fmt.Errorf("%q: no zone is %s:%02d from UTC", shown(in), hours, mi)
	}
	offset := h*3600 + mi*60
	if sign == "-" {
		offset = -offset
	}
	s = westernYear(s)
	for _, layout := range zonedTimes {
		t, err := time.ParseInLocation(layout, s, time.FixedZone("", offset))
		if err != nil {
			continue
		}
		if said != "" && t.Weekday() != wd { // the weekday is the date's as written
			return time.Time{}, fmt.Errorf("date %q: %s is a %s (%s), not %s: check the date", shown(in), t.Format("2006-01-02"), t.Weekday(), jaWeekdays[t.Weekday()], said)
		}
		d := t.In(loc)
		if offset == 0 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			// Midnight UTC to the nanosecond is a date field a tool wrote
			// as a time (2026-10-31T00:00:00.000Z): the date as written,
			// not the day before west of UTC.
			d = t
		}
		d = calendar.DayStart(d.Year(), d.Month(), d.Day(), loc)
		if d.Year() < 2000 {
			return time.Time{}, fmt.Errorf("date %q is before 2000", shown(in))
		}
		return d, nil
	}
	return time.Time{}, fmt.Errorf("%q: write a time with its zone as 2026-11-06T13:58:00Z, 2026/11/06 13:58 UTC, 2026/11/06 13:58 +09:00 or Nov 06, 2026 01:58 PM GMT+9", shown(in))
}

// zoneOf finds the zone a time says after it: Z (2026-10-31T15:30:00.000Z),
// GMT or UTC, with or without an offset (GMT+9, UTC+09:00, (GMT-05:00)),
// JST, or an offset alone after the time (13:58:40+09:00, 13:58 +0900).
// cut is where it starts. 10:00-12:00 after a date is a time range, no
// zone: an offset with a minus after hours and minutes is one only in
// ISO's form (2026-11-06T08:30-05:00), after seconds (08:30:00-05:00) or
// without its colon (08:30 -0500).
func zoneOf(s string) (cut int, sign, hours, mins string, ok bool) {
	if m := namedZone.FindStringSubmatchIndex(s); m != nil {
		sub := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		return m[0], sub(1), sub(2), sub(3), true
	}
	if m := jstZone.FindStringIndex(s); m != nil {
		return m[0], "+", "9", "", true
	}
	if m := utcZ.FindStringSubmatchIndex(s); m != nil {
		return m[2], "+", "0", "", true
	}
	if m := offsetZone.FindStringSubmatchIndex(s); m != nil {
		sub := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return s[m[2*i]:m[2*i+1]]
		}
		iso, secs, sign, colon, mins := sub(1) != "", sub(2) != "", sub(3), sub(5), sub(6)
		if iso || secs || sign == "+" || mins != "" && colon == "" {
			return m[6], sign, sub(4), mins, true
		}
	}
	return 0, "", "", "", false
}

var (
	namedZone = regexp.MustCompile(`(?i)\s*\(?\s*\b(?:GMT|UTC)(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?\s*\)?$`)
	jstZone   = regexp.MustCompile(`(?i)\s*\(?\s*\bJST\s*\)?$`)
	utcZ      = regexp.MustCompile(`(?i)\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(z)$`)
	// 1: ISO's T, 2: seconds, 3: the sign, 4: hours, 5: the colon, 6: minutes.
	offsetZone = regexp.MustCompile(`(T)?\d{1,2}:\d\d(:\d\d(?:[.,]\d+)?)?\s*([+-])(\d{2})(?:(:)?(\d{2}))?$`)
)

// zonedTimes are the layouts of a date and time that says its zone (a
// fraction of a second after the seconds is read too).
var zonedTimes = []string{
	"Jan 2, 2006 15:04:05", "Jan 2, 2006 15:04", "Jan 2, 2006 3:04:05 PM", "Jan 2, 2006 3:04 PM",
	"January 2, 2006 15:04:05", "January 2, 2006 15:04", "January 2, 2006 3:04:05 PM", "January 2, 2006 3:04 PM",
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2T15:04:05", "2006-1-2T15:04",
	"2006.1.2 15:04:05", "2006.1.2 15:04", "2006年1月2日 15:04:05", "2006年1月2日 15:04",
}

// shownBytes bounds a value a reason quotes (a row's cell, a date as
// written): the cell is in the list the marketer has, and quoting it whole
// made a list of long cells an answer several times its size (%q, then
// JSON's \u003c for each '<').
const shownBytes = 200

// shown is s as a reason quotes it: at most shownBytes of it, "…" after a
// cut.
func shown(s string) string { return textcut.Excerpt(s, shownBytes) }

// eventName is an event's name as a list's cell, the form or a report
// gives it: NFKC, on one line, without control characters nor
// bidirectional overrides, isolates and marks (textcut.Controls), which
// showed the timeline's and the inbox's lines reversed.
//
// Nor zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF: a
// name copied from a web page or a mail, a BOM pasted with it), which
// made "Japan IT Week 秋" and "Japan\u200b IT Week 秋" two events to
// scoring's event: rules, the reports and attribution, and two touches of
// one person at one event. A name without them is as it was, and so is
// its touches' id (EventID).
//
// Nor the wave dash's two spellings: Excel on Windows writes ～ (U+FF5E,
// which NFKC makes ~), on a Mac and in a Shift_JIS file 〜 (U+301C), and
// "東京～大阪" and "東京〜大阪" were two events. 〜 is read as ～ is (~): a
// name with neither keeps its id, and so does one with ～ or ~.
func eventName(s string) string { return textcut.FoldWaveDash(dropZeroWidth(storedName(s))) }

// olderNames are the names other than name (eventName's of cell) earlier
// imports may have stored the touch of an event under: with its
// zero-width characters (before they were dropped), with its own 〜
// (before wave dashes were folded), and with 〜 for each ~ (the list
// imported before from a Mac, or as Shift_JIS, now from Windows' ～).
func olderNames(cell, name string) []string {
	var out []string
	add := func(n string) {
		if n != name && n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	stored := storedName(cell)
	add(stored)
	add(dropZeroWidth(stored))
	if strings.Contains(name, "~") {
		add(strings.ReplaceAll(name, "~", "\u301c"))
	}
	return out
}

// storedName is a name as imports before zero-width characters were
// dropped stored it: the touches they stored have its EventID.
func storedName(s string) string { return textcut.Line(textcut.Controls(norm.NFKC.String(s))) }

// dropZeroWidth returns s without zero-width characters.
func dropZeroWidth(s string) string {
	if !strings.ContainsFunc(s, zeroWidth) {
		return s
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if zeroWidth(r) {
			return -1
		}
		return r
	}, s))
}

func zeroWidth(r rune) bool {
	return r == 0x200b || r == 0x200c || r == 0x200d || r == 0x2060 || r == 0xfeff
}
