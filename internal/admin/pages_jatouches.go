package admin

import (
	"maps"
	"regexp"
)

// jaTouchReasons word in Japanese why a row of an offline touches list
// was not imported, and what is wrong with the list as a whole: the
// reasons package offline gives (in English, as the API answers them).
// Checked before jaMessage's patterns, whose recipient-list wording ("no
// token is issued") is not an import's. TestJapaneseCoversTouchReasons
// walks offline.go's reasons.
var jaTouchReasons = []jaPattern{
	{regexp.MustCompile(`^this person asked to be forgotten$`), "この人はデータの削除を依頼済みのため、取り込みません"},
	{regexp.MustCompile(`^this person withdrew consent$`), "この人は同意を撤回しているため、取り込みません"},
	{regexp.MustCompile(`^no event name$`), "イベント名がありません。イベント名の列に書くか、フォームでイベント名を指定してください"},
	{regexp.MustCompile(`^the event name is longer than (\d+) bytes$`), "イベント名が長すぎます（$1 バイトまで）"},
	{regexp.MustCompile(`^(.+) (".*"): write はい or いいえ \(yes or no\)$`), "$1 が「$2」です。はい か いいえ と書いてください"},
	{regexp.MustCompile(`^date (\d{4}-\d\d-\d\d) is in the future$`), "日付 $1 は未来の日付です"},
	{regexp.MustCompile(`^date (".*") is before 2000$`), "日付「$1」は 2000 年より前です。年を確認してください"},
	{regexp.MustCompile(`^date (".*"): (\S+) is a \w+ \((.)\), not (.+): check the date$`), "日付「$1」：$2 は ${3}曜日で、${4} ではありません。日付を確認してください"},
	{regexp.MustCompile(`^date (".*"): write YYYY-MM-DD, YYYY/MM/DD, YYYY\.MM\.DD, 2026年1月5日 or Jan 5, 2026$`), "日付「$1」を読み取れません。2026/1/5、2026-01-05、2026.1.5、2026年1月5日 のように書いてください"},
	{regexp.MustCompile(`^(".*"): no zone is (\S+) from UTC$`), "「$1」：UTC との時差が $2 のタイムゾーンはありません"},
	{regexp.MustCompile(`^(".*"): write a time with its zone as .*$`), "「$1」：タイムゾーン付きの時刻は 2026-11-06T13:58:00Z、2026/11/06 13:58 +09:00、2026/11/06 13:58 JST のように書いてください"},
	{regexp.MustCompile(`^channel (".*"): one of exhibition \(展示会\), seminar \(セミナー\), webinar \(ウェビナー\), business-card \(名刺交換\)$`), "接点の種類「$1」は使えません。展示会、セミナー、ウェビナー、名刺交換（exhibition、seminar、webinar、business-card）のいずれかにしてください"},
	{regexp.MustCompile(`^same email, event and date as line (\d+), one touch, but other columns: (.*); the row is not imported \(line (\d+)'s are the person's\)$`), "$1 行目とメールアドレス・イベント名・日付が同じ（同じ接点）ですが、ほかの列が違います：$2。この行は取り込みません（本人の情報は $3 行目のものです）"},
	// The list as a whole.
	{regexp.MustCompile(`^no header row: no row names an email column \(looked for (.*) in all (\d+) rows\); the first row has (.*)$`), "見出し行がありません。メールアドレスの列名（$1）がどの行にもありません（全 $2 行）。1 行目は $3 です"},
	{regexp.MustCompile(`^missing columns: (.*); the header(?: \(row (\d+)\))? has (.*)$`), "必要な列がありません：$1。見出し行は $3 です"},
	{regexp.MustCompile(`^more than (\d+) rows, the most one import stores within a request's time: split the file into lists of (\d+) rows or fewer$`), "$1 行を超えています（一度に取り込めるのは $1 行まで）。$2 行以下のファイルに分けて取り込んでください"},
	{regexp.MustCompile(`^line (\d+): bare " in non-quoted-field$`), "$1 行目：引用符（\"）で囲まれていない項目の中に \" があります。項目全体を \" で囲み、中の \" は \"\" と書いてください"},
	{regexp.MustCompile(`^line (\d+): extraneous or missing " in quoted-field$`), "$1 行目：引用符（\"）の閉じ忘れか、余分な \" があります"},
	{regexp.MustCompile(`^the CSV is empty$`), "CSV が空です"},
	{regexp.MustCompile(`^Choose one CSV file of offline touches$`), "取り込む CSV ファイルを 1 つ選んでください"},
}

// touchReasonParts word the parts of a reason above that stay English
// after its pattern: a conflict's columns (氏名 "B" (line 2: "A"), said
// 氏名「B」（2 行目は「A」）), the
// columns a list lacks.
var touchReasonParts = []jaPattern{
	{regexp.MustCompile(` ("(?:[^"\\]|\\.)*") \(line (\d+): ("(?:[^"\\]|\\.)*")\)`), "「$1」（$2 行目は「$3」）"},
	{regexp.MustCompile(`」）, `), "」）、"},
	{regexp.MustCompile(`event \(イベント名\) or \?event=`), "イベント名（列、またはフォームのイベント名）"},
	{regexp.MustCompile(`date \(日付\) or \?date=(?: \(the report's (.+?) (".*?"): .*\))?`), "日付（列、またはフォームの日付。レポートの $1「$2」は読み取れません）"},
	{regexp.MustCompile(`channel \(exhibition/展示会, seminar/セミナー, webinar/ウェビナー, business-card/名刺交換\) or \?channel=`), "接点の種類（列、またはフォームの接点の種類：展示会、セミナー、ウェビナー、名刺交換）"},
	{regexp.MustCompile(`（列、またはフォームの日付。レポートの 「」は読み取れません）`), "（列、またはフォームの日付）"},
	// The columns a list lacks, listed as Japanese lists them (the API's
	// ", " between them read "イベント名（…）, 日付（…）").
	{regexp.MustCompile(`）, (イベント名|日付|接点の種類)（`), "）、$1（"},
	// The email column's names looked for (offline's emailNames), as a
	// Japanese list: 、 between them.
	{regexp.MustCompile(`（email, メールアドレス, メール, E-mail, Email Address, 電子メール）`), "（email、メールアドレス、メール、E-mail、Email Address、電子メール）"},
}

// TouchReason is why a row of an offline touches list (or the list) was
// not imported, in the page's language.
func (p page) TouchReason(s string) string {
	if p.L != "ja" {
		return s
	}
	if j := jaTouchReason(s); j != "" {
		return j
	}
	return p.T(s)
}

// jaTouchReason is s in Japanese, "" when no pattern knows it: no capture
// is a message of its own, and the parts are worded after.
func jaTouchReason(s string) string { return jaMatch(s, jaTouchReasons, nil, touchReasonParts) }

func init() {
	maps.Copy(ja, jaTouchesPage)
}

// jaTouchesPage is the offline touches page's text.
var jaTouchesPage = map[string]string{
	"Offline touches": "オフライン接点",
	"Import the attendee lists of exhibitions, seminars and webinars, and exchanged business cards: each row is a touch of its person, scored by the rules' offline conditions and shown on their timeline. Importing the same file again adds nothing.": "展示会・セミナー・ウェビナーの参加者リストや、交換した名刺のリストを取り込みます。1 行が 1 人の接点になり、ルールのオフライン条件でスコアされ、その人のタイムラインに表示されます。同じファイルをもう一度取り込んでも重複しません。",
	"Imported: %d of %d rows read.":            "取り込みました：読み込んだ %[2]d 行のうち %[1]d 件を新たに登録しました。",
	"%d rows were not imported; why is below.": "%d 行は取り込めませんでした。理由は下にあります。",
	"Rows read":        "読み込んだ行",
	"Imported":         "新規登録",
	"Already imported": "登録済み",
	"stored by an earlier import or a row above: nothing added": "以前の取り込みか上の行で登録済み（追加なし）",
	"Minutes updated": "参加時間を更新",
	"imported before; minutes attended set or corrected": "登録済みの接点の参加時間（分）を設定・訂正した件数",
	"New people":   "新しい人物",
	"Not imported": "取り込めなかった行",
	"%d registrants did not attend: no touch.":                             "%d 人の登録者は欠席でした（接点にしません）。",
	"%d touches imported before from the registrants' list are withdrawn.": "登録者リストから以前に取り込んだ接点のうち %d 件を欠席として取り消しました。",
	"(from the report)": "（レポートから）",
	"(from the form)":   "（フォームの指定）",
	"The header is row %d; %d rows above or after the table were skipped.": "見出し行は %d 行目です。表の上下にある %d 行は読み飛ばしました。",
	"Rows not imported":        "取り込めなかった行",
	"Leading zeros given back": "先頭の 0 を補った番号",
	"Excel drops the leading 0 of a number typed without dashes (0312345678 is saved as 312345678). These phone numbers and postal codes could only be one number, and are stored with their 0; others are stored as the file has them.": "Excel はハイフンなしで入力された番号の先頭の 0 を落として保存します（0312345678 は 312345678 になります）。次の電話番号・郵便番号は元の番号が 1 つに決まるため、0 を補って登録しました。それ以外の番号はファイルのまま登録しています。",
	"Column":      "列",
	"In the file": "ファイルの値",
	"Stored":      "登録した値",
	"Row":         "行",
	"Event":       "イベント",
	"Channel":     "接点の種類",
	"Email":       "メールアドレス",
	"CSV file":    "CSV ファイル",
	"UTF-8, Shift_JIS (Excel) or EUC-JP, up to %s MB and %d rows. A Zoom attendee report can be uploaded as Zoom saves it.": "UTF-8、Shift_JIS（Excel）または EUC-JP、%s MB・%d 行まで。Zoom の出席者レポートはダウンロードしたまま取り込めます。",
	"(the file's column)": "（ファイルの列に従う）",
	"For rows with no channel. A Zoom report is a webinar's.": "接点の種類がない行に使います。Zoom のレポートはウェビナーとして取り込みます。",
	"Event name": "イベント名",
	"For rows with no event name. Left empty, a Zoom report's topic.": "イベント名がない行に使います。空欄なら Zoom のレポートのトピックを使います。",
	"For rows with no date. Left empty, a Zoom report's start day.":   "日付がない行に使います。空欄なら Zoom のレポートの開始日を使います。",
	"Import": "取り込む",
	"Importing needs a token with the write scope: sign in with one to upload a list.": "取り込みには書き込み（write）の権限のあるトークンが必要です。リストをアップロードするには、そのトークンでサインインしてください。",
	"Columns read": "読み取る列",
	"email, メールアドレス, メール, E-mail: required; the first row naming it is the header (rows above it, a report's title, are skipped).": "メールアドレス、メール、email、E-mail（必須）。この列名のある最初の行を見出し行とし、その上の行（レポートのタイトルなど）は読み飛ばします。",
	"イベント名, 展示会名, セミナー名, ウェビナー名, event; else the form's.":                                                                          "イベント名、展示会名、セミナー名、ウェビナー名、event。列がなければフォームの指定を使います。",
	"日付, 開催日, 来場日, 参加日, 名刺交換日, date: 2026/1/5, 2026年1月5日, 令和8年1月5日 or 2026-01-05; else the form's.":                                "日付、開催日、来場日、参加日、名刺交換日、date。2026/1/5、2026年1月5日、令和8年1月5日、2026-01-05 などの形式。列がなければフォームの指定を使います。",
	"接点, 種別, チャネル, channel: 展示会, セミナー, ウェビナー or 名刺交換 (exhibition, seminar, webinar, business-card); else the form's.":              "接点、種別、チャネル、channel。展示会・セミナー・ウェビナー・名刺交換のいずれか（exhibition、seminar、webinar、business-card も可）。列がなければフォームの指定を使います。",
	"Attended": "出欠",
	"出席しましたか, 出欠, 来場有無, attended (optional): a row saying いいえ is a registrant who did not come, not imported.": "出席しましたか、出欠、来場有無、attended（任意）。いいえ の行は欠席した登録者として取り込みません。",
	"Other columns": "その他の列",
	"氏名, 会社名, 部署, 役職 …: the person's attributes. A webinar report's minutes in session count for the rules' min_minutes.": "氏名、会社名、部署、役職など：その人の属性になります。ウェビナーのレポートのセッション時間（分）はルールの min_minutes の判定に使います。",
}
