package admin

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Messages the pages show that servers build at run time (scope and
// sign-in refusals, a recipient list's problems, a link's refusal): each
// pattern and its Japanese, with the parts it captures ($1...) put back.
var jaPatterns = []jaPattern{
	// A scope by its Japanese name, with the name admin_tokens gives it.
	{regexp.MustCompile(`^this token lacks the read scope$`), "このトークンには読み取り（read）の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^this token lacks the write scope$`), "このトークンには書き込み（write）の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^this token lacks the erase scope$`), "このトークンには削除（erase）の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^this token lacks the backup scope$`), "このトークンにはバックアップ（backup）の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^this token lacks the (\w+) scope$`), "このトークンには $1 の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^missing or wrong bearer token$`), "管理トークンがないか、正しくありません"},
	{regexp.MustCompile(`^internal error: try again in a moment$`), "内部エラーが発生しました。しばらくしてからやり直してください"},
	{regexp.MustCompile(`^your session has ended: sign in again at /admin/login$`), "セッションが終了しました。/admin/login からもう一度サインインしてください"},
	{regexp.MustCompile(`^the token this session was opened with is no longer accepted: sign in again$`), "このセッションを開いたトークンは使えなくなりました。もう一度サインインしてください"},
	{regexp.MustCompile(`^send Authorization: Bearer <admin token> \(HTTP Basic is not accepted; browsers sign in at /admin/login\)$`), "Authorization: Bearer <管理トークン> を送ってください（HTTP Basic 認証は使えません。ブラウザからは /admin/login でサインインします）"},
	{regexp.MustCompile(`^missing or wrong CSRF token`), "フォームの確認用トークンがないか、古くなっています。ページを開き直してから送信してください"},
	{regexp.MustCompile(`^the form is larger than (\d+) bytes$`), "フォームが $1 バイトを超えています"},
	{regexp.MustCompile(`^the file is larger than ([\d.]+) MB: split it and upload each part$`), "ファイルが $1 MB を超えています。分割して一つずつアップロードしてください"},
	{regexp.MustCompile(`^the CSV is larger than ([\d.]+) MB: split it and upload each part$`), "CSV が $1 MB を超えています。分割して一つずつアップロードしてください"},
	{regexp.MustCompile(`^the CSV is larger than ([\d.]+) MB: split it and import each part$`), "CSV が $1 MB を超えています。分割して一つずつ取り込んでください"},
	{regexp.MustCompile(`^the form could not be read: `), "フォームを読み取れませんでした。ページを開き直してから送信してください"},
	{regexp.MustCompile(`^the query string cannot be read: `), "アドレスのクエリ（? 以降）を読み取れません。ページのリンクから開き直してください"},
	{regexp.MustCompile(`^rules file larger than (\d+) bytes$`), "ルールファイルが $1 バイトを超えています"},
	{regexp.MustCompile(`^cross-origin request refused`), "別のサイトからの送信は受け付けません。ワークスペースのページから送信してください"},
	{regexp.MustCompile(`^the MQL definition lab is off: no rules file is loaded`), "MQL 定義ラボは無効です。ルールファイルが読み込まれていません（BATON_RULES に infra/rules.yaml などのルールファイルを指定してください）"},
	{regexp.MustCompile(`^scoring is off: no rules file is loaded`), "スコアリングは無効です。ルールファイルが読み込まれていません（BATON_RULES に infra/rules.yaml などのルールファイルを指定してください）"},
	{regexp.MustCompile(`^No such campaign: (.*)$`), "該当するキャンペーンはありません：$1"},
	{regexp.MustCompile(`^Send time: (\S+) does not exist in (\S+) \(the clocks skip that time\): pick another time$`), "配信日時：$1 は $2 では存在しない時刻です（時計がその時刻を飛ばします）。別の時刻を入力してください"},
	{regexp.MustCompile(`^Send time: (\S+) occurs twice in (\S+) \((.+), then (.+)\): pick a time outside it, or give the time with its offset as sentAt to POST /admin/links$`), "配信日時：$1 は $2 では 2 回あります（$3、続いて $4）。その時間帯を避けるか、POST /admin/links の sentAt にオフセット付きの日時で指定してください"},
	{regexp.MustCompile(`^Campaign (\S+) exists already: choose another id, or open it from the list above$`), "キャンペーン $1 はすでにあります。別の ID にするか、上の一覧から開いてください"},
	{regexp.MustCompile(`^The list could not be read: (.*)$`), "リストを読み込めませんでした：$1"},
	// recipientcsv.
	{regexp.MustCompile(`^the columns are separated by tabs, not commas: save the file as CSV \(comma-separated\)$`), "列がコンマではなくタブで区切られています（タブ区切りのテキスト）。Excel で「CSV UTF-8 (コンマ区切り)」の形式で保存し直してください"},
	{regexp.MustCompile(`^the columns are separated by semicolons, not commas: save the file as CSV \(comma-separated\)$`), "列がコンマではなくセミコロン（;）で区切られています。Excel で「CSV UTF-8 (コンマ区切り)」の形式で保存し直してください"},
	{regexp.MustCompile(`^the CSV is empty$`), "CSV が空です"},
	{regexp.MustCompile(`^no recipients: the list has its header and no row under it$`), "受信者がいません：見出し行の下に行がありません"},
	{regexp.MustCompile(`^header: (.*)$`), "見出し行：$1"},
	{regexp.MustCompile(`^no email column: the header has (.*); name one of them email or メールアドレス$`), "メールアドレスの列がありません。見出し行は $1 です。いずれかの列名を email または メールアドレス にしてください"},
	{regexp.MustCompile(`^no email column: no row names one \(email, メールアドレス \.\.\.\); the first row is (.*)$`), "メールアドレスの列がありません。どの行にも email や メールアドレス という列名がありません（1 行目は $1）。見出し行の列名を email または メールアドレス にしてください"},
	{regexp.MustCompile(`^two email columns, (".*") and (".*"): keep one$`), "メールアドレスの列が「$1」と「$2」の 2 つあります。1 つにしてください"},
	{regexp.MustCompile(`^line (\d+): (.*)$`), "$1 行目：$2"},
	{regexp.MustCompile(`^more than (\d+) recipients: split the list$`), "受信者が $1 件を超えています。リストを分けてください"}, // before 2026-12-03
	{regexp.MustCompile(`^more than (\d+) recipients: split the list, and upload the parts after the first as further parts of the send \(add=1\)$`), "受信者が $1 件を超えています。リストを分け、2 つ目以降は「同じ配信の続きのリスト」としてアップロードしてください（add=1）"},
	{regexp.MustCompile(`^(\d+) fields, the header has (\d+)$`), "項目が $1 個あります（見出し行は $2 個）"},
	{regexp.MustCompile(`^this person asked to be forgotten$`), "この人はデータの削除を依頼済みのため、トークンを発行しません"},
	{regexp.MustCompile(`^this person withdrew consent$`), "この人は同意を撤回しているため、トークンを発行しません"},
	{regexp.MustCompile(`^no email field$`), "メールアドレスの項目がありません"},
	{regexp.MustCompile(`^(".*") is not an email address$`), "「$1」はメールアドレスではありません"},
	// csvin's: a file it cannot decode (inside "line n: ..."), or too large.
	{regexp.MustCompile(`^(.*); save it from Excel as "CSV UTF-8" or "CSV \(コンマ区切り\)"$`), "$1。Excel で「CSV UTF-8 (コンマ区切り)」または「CSV (コンマ区切り)」の形式で保存し直してください"},
	{regexp.MustCompile(`^neither UTF-8, Shift_JIS \(CP932\) nor EUC-JP$`), "文字コードが UTF-8、Shift_JIS（CP932）、EUC-JP のどれでもありません"},
	{regexp.MustCompile(`^the file starts with a UTF-8 BOM but this line is not UTF-8$`), "ファイルは UTF-8 の BOM で始まっていますが、この行は UTF-8 ではありません"},
	{regexp.MustCompile(`^this line is (Shift_JIS|EUC-JP) but line (\d+) is UTF-8: the file mixes encodings$`), "この行は $1 ですが、$2 行目は UTF-8 です。ファイルの中で文字コードが混在しています"},
	{regexp.MustCompile(`^the CSV is larger than (\d+) MB$`), "CSV が $1 MB を超えています"},
	// encoding/csv's, inside "line n: ...".
	{regexp.MustCompile(`^extraneous or missing " in quoted-field$`), "引用符（\"）の閉じ忘れか余分な引用符があります"},
	{regexp.MustCompile(`^bare " in non-quoted-field$`), "引用符で囲まれていない項目に \" があります"},
	{regexp.MustCompile(`^wrong number of fields$`), "項目の数が見出し行と合いません"},
	// lab's suggestions (verdicts, refusals).
	{regexp.MustCompile(`^too few outcomes to suggest changes: sales answered (\d+) MQLs \(accepted or rejected\), at least (\d+) are needed \(min_outcomes\)$`), "提案するには営業の回答が足りません。回答（受け入れまたは差し戻し）済みの MQL は $1 件で、$2 件以上必要です（min_outcomes）"},
	{regexp.MustCompile(`^min_outcomes must be a whole number from 1$`), "必要な回答済み MQL 数（min_outcomes）は 1 以上の整数にしてください"},
	{regexp.MustCompile(`^too few outcomes \((\d+) answered, (\d+) needed\)$`), "判定には回答が足りません（回答 $1 件、必要 $2 件）"},
	{regexp.MustCompile(`^(.+?); (below behaviour .*|no higher min_behaviour .*)$`), "$1。$2"},
	{regexp.MustCompile(`^better than all MQLs \((\d+%) accepted\)$`), "全 MQL（受け入れ $1）より良い"},
	{regexp.MustCompile(`^worse than all MQLs \((\d+%) accepted\)$`), "全 MQL（受け入れ $1）より悪い"},
	{regexp.MustCompile(`^no clear difference from all MQLs \((\d+%) accepted\)$`), "全 MQL（受け入れ $1）と明確な差はない"},
	{regexp.MustCompile(`^below behaviour (\S+) when they qualified and no other condition's: (\d+) rejected, (\d+) accepted; kept \(at or above it, or (\d+) below it another condition qualifies as well\): (\d+) of (\d+) accepted$`), "MQL になった時点で行動スコア $1 未満で他の条件にも当てはまらない MQL では差し戻し $2 件、受け入れ $3 件、残る MQL（$1 以上か、$1 未満でも他の条件に当てはまる $4 件）では $6 件中 $5 件を受け入れ"},
	{regexp.MustCompile(`^below behaviour (\S+) when they qualified: (\d+) rejected, (\d+) accepted; at or above it: (\d+) of (\d+) accepted$`), "MQL になった時点で行動スコア $1 未満では差し戻し $2 件、受け入れ $3 件、$1 以上では $5 件中 $4 件を受け入れ"},
	{regexp.MustCompile(`^no higher min_behaviour spares sales clearly more rejections than acceptances$`), "min_behaviour を上げても、減る差し戻しが減る受け入れを明確には上回りません"},
	{regexp.MustCompile(`^no higher min_behaviour drops MQLs clearly less often accepted than those it keeps$`), "min_behaviour を上げても、外れる MQL の受け入れ率が残る MQL より明確に低くはなりません"},
	// links (the campaign form).
	{regexp.MustCompile(`^destination longer than 4096 bytes$`), "リンク先 URL が 4096 バイトを超えています"},
	{regexp.MustCompile(`^destination (".*") must be an absolute http or https URL$`), "リンク先 $1 は http または https で始まる完全な URL にしてください"},
	{regexp.MustCompile(`^destination (".*") must not carry credentials$`), "リンク先 $1 にユーザー名やパスワードを含めないでください"},
	{regexp.MustCompile(`^destination host (".*") is not in the allowed link hosts$`), "リンク先のホスト $1 は許可されたリンク先ホスト（link_hosts）にありません"},
	{regexp.MustCompile(`^give 1 to 200 destination urls$`), "リンク先 URL は 1〜200 個にしてください"},
	// report filters.
	{regexp.MustCompile(`^period must be day, week or month$`), "期間の単位は day、week、month のいずれかです"},
	{regexp.MustCompile(`^by must be channel, source, medium or campaign$`), "集計軸は channel、source、medium、campaign のいずれかです"},
	{regexp.MustCompile(`^(\w+) must be a date \(2026-11-01\) or RFC 3339 time$`), "$1 は日付（2026-11-01）または RFC 3339 形式の日時にしてください"},
	{regexp.MustCompile(`^to must not be before from$`), "終了日（to）が開始日（from）より前です"},
	{regexp.MustCompile(`^month must be YYYY-MM \(2026-11\)$`), "月は YYYY-MM の形式（2026-11）にしてください"},
	{regexp.MustCompile(`^month and from or to cannot be given together: give one$`), "月（month）と期間（from、to）はどちらか一方だけを指定してください"},
	{regexp.MustCompile(`^format must be one of (.*)$`), "形式（format）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^lang must be one of (.*)$`), "言語（lang）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^channel must be one of (.*)$`), "初回接点チャネル（channel）は次のいずれかにしてください：$1"},
	// list filters (filters.go): each names its parameter.
	{regexp.MustCompile(`^stage must be one of (.*)$`), "ステージ（stage）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^grade must be one of (.*)$`), "グレード（grade）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^reached must be one of (.*)$`), "到達ステージ（reached）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^model must be one of (.*)$`), "アトリビューションモデル（model）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^action must be one of (.*)$`), "操作（action）は一覧から選んでください：$1"},
	{regexp.MustCompile(`^sort must be one of (.*)$`), "並び順（sort）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^show must be one of (.*)$`), "表示（show）は次のいずれかにしてください：$1"},
	{regexp.MustCompile(`^from must be a date like 2026-11-01$`), "開始日（from）は 2026-11-01 のような日付にしてください"},
	{regexp.MustCompile(`^to must be a date like 2026-11-01$`), "終了日（to）は 2026-11-01 のような日付にしてください"},
	{regexp.MustCompile(`^(\w+) is given (\d+) times: give it once$`), "$1 が $2 回指定されています。1 回だけ指定してください"},
	{regexp.MustCompile(`^a parameter's name is not UTF-8 text: `), "パラメータ名が UTF-8 の文字列ではありません。UTF-8 で指定してください（Shift_JIS などほかの文字コードは読めません）"},
	{regexp.MustCompile(`^(.+) is not UTF-8 text: `), "$1 が UTF-8 の文字列ではありません。UTF-8 で指定してください（Shift_JIS などほかの文字コードは読めません）"},
	{regexp.MustCompile(`^page must be a whole number from (\d+) to (\d+)$`), "ページ番号（page）は $1〜$2 の整数にしてください"},
	{regexp.MustCompile(`^limit must be a whole number from (\d+) to (\d+)$`), "件数（limit）は $1〜$2 の整数にしてください"},
	{regexp.MustCompile(`^after must be the next of an earlier answer$`), "続きのページへのリンク（after）が正しくありません。最初のページから開き直してください"},
	{regexp.MustCompile(`^dead must be the link to older dead letters of an earlier page$`), "デッドレターの続きのページへのリンク（dead）が正しくありません。最初のページから開き直してください"},
	{regexp.MustCompile(`^after must be the link to more results of an earlier search$`), "続きの検索結果へのリンク（after）が正しくありません。もう一度検索してください"},
	{regexp.MustCompile(`^after is not a cursor this list gave `), "続きのページへのリンク（after）が正しくありません。最初のページから開き直してください"},
	{regexp.MustCompile(`^reached needs the reports, which are off here$`), "到達ステージ（reached）で絞り込むにはレポートが必要ですが、ここでは無効です"},
	// account (the accounts pages' merge and split forms).
	{regexp.MustCompile(`^an account cannot be merged into itself$`), "アカウントを同じアカウントに統合することはできません"},
	{regexp.MustCompile(`^account (\S+) was merged into (\S+): merge into that one$`), "アカウント $1 は $2 に統合済みです。統合先のアカウントに統合してください"},
	{regexp.MustCompile(`^account (\S+) was already merged into (\S+)$`), "アカウント $1 はすでに $2 に統合されています"},
	{regexp.MustCompile(`^account (\S+) was merged into (\S+)$`), "アカウント $1 は $2 に統合済みです"},
	{regexp.MustCompile(`^too many grouping keys to merge at once$`), "名寄せキーが多すぎるため、一度に統合できません"},
	{regexp.MustCompile(`^people: give the ids of the people to move$`), "移す人を選んでください"},
	{regexp.MustCompile(`^people: at most (\d+) at once$`), "一度に移せるのは $1 人までです"},
	{regexp.MustCompile(`^people: a split leaves at least one person behind$`), "全員は移せません。少なくとも 1 人を元のアカウントに残してください"},
	{regexp.MustCompile(`^people: (\S+) is not in account (\S+)$`), "人物 $1 はアカウント $2 にいません"},
	// rulebook.ParseError ("file:line: field: message") and its messages.
	{regexp.MustCompile(`^(.+?):\d+: \(file\): empty rules file$`), "$1 が空です"},
	{regexp.MustCompile(`^(.+?):0: \(file\): yaml: (.*)$`), "$1：YAML の書式が正しくありません。$2"},
	{regexp.MustCompile(`^(.+?):(\d+): \(file\): yaml: line \d+: (.*)$`), "$1 の $2 行目：YAML の書式が正しくありません。$3"},
	{regexp.MustCompile(`^(.+?):0: \(file\): (.*)$`), "$1：$2"},
	{regexp.MustCompile(`^(.+?):(\d+): \(file\): (.*)$`), "$1 の $2 行目：$3"},
	{regexp.MustCompile(`^(.+?):(\d+): (.+?): (.*)$`), "$1 の $2 行目（$3）：$4"},
	{regexp.MustCompile(`^empty rules file$`), "ルールファイルが空です"},
	{regexp.MustCompile(`^required$`), "必須の項目です"},
	{regexp.MustCompile(`^required: at least one condition$`), "必須の項目です。条件を 1 つ以上定義してください"},
	{regexp.MustCompile(`^must be a mapping$`), "「キー: 値」の形式（マッピング）にしてください"},
	{regexp.MustCompile(`^must be a mapping of keys such as name, behaviour and mql$`), "name、behaviour、mql などの「キー: 値」の形式（マッピング）にしてください"},
	{regexp.MustCompile(`^not UTF-8 text \(saved as Shift_JIS\?\): save the file as UTF-8$`), "UTF-8 のテキストではありません（Shift_JIS で保存されていませんか）。ファイルを UTF-8 で保存してください"},
	{regexp.MustCompile(`^a second document \(after ---\): the rules are one document$`), "2 つ目の文書（--- の後）があります。ルールは 1 つの文書に書いてください"},
	{regexp.MustCompile(`^unknown key \(allowed: (.*)\)$`), "使えないキーです（使えるキー：$1）"},
	{regexp.MustCompile(`^unknown key \(allowed: (.*)\); did you mean (\S+)\?$`), "使えないキーです（使えるキー：$1）。$2 の書き間違いではありませんか"},
	{regexp.MustCompile(`^given twice$`), "2 回指定されています"},
	{regexp.MustCompile(`^must be a string$`), "文字列にしてください"},
	{regexp.MustCompile(`^must be a number$`), "数値にしてください"},
	{regexp.MustCompile(`^must be a number: write (\S+) \(without quotes: a quoted number is text\)$`), "数値にしてください。引用符を付けずに $1 と書いてください（引用符で囲んだ数値は文字列になります）"},
	{regexp.MustCompile(`^must be a number: write (\S+)$`), "数値にしてください。$1 と書いてください"},
	{regexp.MustCompile(`^an empty list qualifies no one: list grades, or remove grades to take any$`), "空のリストでは誰も MQL になりません。グレードを並べるか、どのグレードでもよければ grades を消してください"},
	{regexp.MustCompile(`^no band has a grade: the condition qualifies no one$`), "どの行動帯にもグレードがありません。この条件では誰も MQL になりません"},
	{regexp.MustCompile(`^an empty list matches no one$`), "空のリストには誰も一致しません"},
	{regexp.MustCompile(`^an empty list takes events of every type: list types, or remove type to take any$`), "空のリストではすべての種別のイベントに一致してしまいます。種別を並べるか、どの種別でもよければ type を消してください"},
	{regexp.MustCompile(`^an empty list takes every page: list URL globs, or remove url to take any$`), "空のリストではすべてのページに一致してしまいます。URL のパターンを並べるか、どのページでもよければ url を消してください"},
	{regexp.MustCompile(`^must be a number in half-width digits \(10, not １０\)$`), "数値は半角の数字で書いてください（１０ ではなく 10）"},
	{regexp.MustCompile(`^must be true or false$`), "true または false にしてください"},
	{regexp.MustCompile(`^must be a list$`), "リストにしてください"},
	{regexp.MustCompile(`^bad pattern: (.*)$`), "パターンが正しくありません：$1"},
	{regexp.MustCompile(`^(".*?") can never match: a URL glob is matched against the path, which starts with "/", or the whole URL, which starts with http:// or https://; write (".*")$`), "$1 はどの URL にも一致しません。URL のパターン（グロブ）はパス（「/」で始まる部分）か URL 全体（http:// または https:// で始まる）と照合されます。$2 と書いてください"},
	{regexp.MustCompile(`^(".*") used twice$`), "$1 が 2 回使われています"},
	{regexp.MustCompile(`^unknown event type (".*")$`), "イベント種別 $1 はありません"},
	{regexp.MustCompile(`^unknown channel (".*"): one of (.*) \(or a pattern\)$`), "チャネル $1 はありません。$2 のいずれか（またはパターン）にしてください"},
	{regexp.MustCompile(`^only offline touches have a channel: add type offline$`), "channel はオフライン接点にだけ指定できます。type: offline を加えてください"},
	{regexp.MustCompile(`^only form submissions have a form: add type form_submit$`), "form はフォーム送信にだけ指定できます。type に form_submit を加えてください"},
	{regexp.MustCompile(`^only downloads have a file: add type download$`), "file はダウンロードにだけ指定できます。type に download を加えてください"},
	{regexp.MustCompile(`^only custom events and offline touches have an event name: add type custom \(or offline\)$`), "event（イベント名）はカスタムイベントとオフライン接点にだけ指定できます。type に custom（または offline）を加えてください"},
	{regexp.MustCompile(`^only offline touches have minutes \(a webinar report's time in session\): add type offline$`), "min_minutes はオフライン接点（ウェビナーのレポートの参加時間）にだけ指定できます。type: offline を加えてください"},
	{regexp.MustCompile(`^only offline touches have minutes \(a webinar report's time in session\), not (.*): give type offline alone$`), "min_minutes はオフライン接点（ウェビナーのレポートの参加時間）にだけあり、$1 にはありません。type は offline だけにしてください"},
	{regexp.MustCompile(`^must be a number of minutes from 0 to (\d+)$`), "0〜$1 の分数にしてください"},
	{regexp.MustCompile(`^caps must not be negative$`), "上限に負の値は指定できません"},
	{regexp.MustCompile(`^matches every event: give a type, url, form, file, campaign, event or channel$`), "すべてのイベントに一致してしまいます。type、url、form、file、campaign、event、channel のいずれかを指定してください"},
	{regexp.MustCompile(`^give match, in, min or max$`), "match、in、min、max のいずれかを指定してください"},
	{regexp.MustCompile(`^thresholds must fall from A to C$`), "しきい値は A、B、C の順に下がるようにしてください"},
	{regexp.MustCompile(`^unknown grade (".*") \(A-D\)$`), "グレード $1 はありません（A〜D）"},
	{regexp.MustCompile(`^must be a whole number from 0 to 4$`), "0〜4 の整数にしてください"},
	{regexp.MustCompile(`^no one is ever graded (.+): grades gives no threshold for it, so the condition qualifies no one; add a minimum fit score under grades \(grades: \{A: 50, B: 30, C: 10\}\)$`), "grades にしきい値がないため、誰もグレード $1 になりません。この条件では誰も MQL になりません。grades に各グレードの最低の適合度スコアを書いてください（grades: {A: 50, B: 30, C: 10}）"},
	{regexp.MustCompile(`^no one is ever graded (.+): there are no fit rules, so every fit score is 0 \(grade (\S+)\) and the condition qualifies no one; add fit rules under fit\.rules$`), "適合度ルールがないため適合度スコアは常に 0（グレード $2）で、誰もグレード $1 になりません。この条件では誰も MQL になりません。fit.rules に適合度ルールを書いてください"},
	{regexp.MustCompile(`^(\S+), but the fit rules give at most (\S+) \(their positive points together\): no one is ever graded (\S+); lower it to (\S+) or less, or give fit rules more points$`), "$1 ですが、適合度ルールで得られるスコアは最大 $2（プラスの点数の合計）のため、誰もグレード $3 になりません。$4 以下に下げるか、適合度ルールの点数を増やしてください"},
	{regexp.MustCompile(`^no one is ever graded (.+): grades\.(\S+) is (\S+) and the fit rules give at least (\S+) \(their negative points together\), so everyone is graded (\S+) or better and this never holds; raise grades\.(\S+) above (\S+), or give fit rules negative points$`), "grades.$2 が $3 で、適合度スコアは最低でも $4（適合度ルールのマイナスの点数の合計）のため、全員がグレード $5 以上になり、誰もグレード $1 になりません。この指定は誰にも当てはまりません。grades.$6 を $7 より大きくするか、適合度ルールにマイナスの点数を加えてください"},
	{regexp.MustCompile(`^(\S+), but the fit rules give at least (\S+) \(their negative points together\): everyone is graded (\S+) or better, no one (.+); raise it above (\S+), or give fit rules negative points$`), "$1 ですが、適合度スコアは最低でも $2（適合度ルールのマイナスの点数の合計）のため、全員がグレード $3 以上になり、誰もグレード $4 になりません。$5 より大きくするか、適合度ルールにマイナスの点数を加えてください"},
	{regexp.MustCompile(`^true, but (.+) holds only for some people, so not every identified person becomes an MQL on identification: remove on_identification, or that part$`), "true ですが、$1 は一部の人にしか当てはまらないため、識別された全員がその時点で MQL になるわけではありません。on_identification を消すか、その指定を消してください"},
	{regexp.MustCompile(`^every part holds for anyone whose behaviour score is not below 0 \((.+)\): every identified person becomes an MQL on identification, whatever they did; raise min_behaviour or narrow the condition, or add on_identification: true to it if that is meant$`), "どの指定（$1）も行動スコアが 0 以上の人すべてに当てはまるため、識別された人は行動にかかわらず全員、識別された時点で MQL になります。min_behaviour を上げるか条件を絞ってください。意図どおりなら、条件に on_identification: true を加えてください"},
	{regexp.MustCompile(`^(\S+), but no behaviour rule gives points: every behaviour score is 0 or less, so the condition qualifies no one; add behaviour rules with positive points, or remove min_behaviour$`), "$1 ですが、プラスの点数を与える行動ルールがないため、行動スコアは常に 0 以下です。この条件では誰も MQL になりません。プラスの点数の行動ルールを加えるか、min_behaviour を消してください"},
	{regexp.MustCompile(`^(\S+), but the behaviour rules give a person at most (\S+) \(each with points is once: true or has a cap_per_person\): the condition qualifies no one; lower it to (\S+) or less, or raise those rules' points or caps$`), "$1 ですが、プラスの点数の行動ルールはどれも once: true か cap_per_person で上限があり、1 人の行動スコアは最大 $2 です。この条件では誰も MQL になりません。$3 以下に下げるか、それらのルールの点数や上限を上げてください"},
	{regexp.MustCompile(`^(\S+), but the behaviour rules give a person at most (\S+) in a cycle \(each with points is once: true or has a cap_per_person\): a recycled lead never qualifies again; lower it to (\S+) or less$`), "$1 ですが、プラスの点数の行動ルールはどれも once: true か cap_per_person で上限があり、ナーチャリングに戻した後に得られる行動スコアは最大 $2 です。戻したリードは二度と MQL になりません。$3 以下に下げてください"},
	{regexp.MustCompile(`^no score is ever in band (.+): no behaviour rule gives points, so every behaviour score is 0 or less and the condition qualifies no one; add behaviour rules with positive points$`), "プラスの点数を与える行動ルールがないため行動スコアは常に 0 以下で、誰も行動帯 $1 に入りません。この条件では誰も MQL になりません。プラスの点数の行動ルールを加えてください"},
	{regexp.MustCompile(`^no score is ever in band (.+): the behaviour rules give a person at most (\S+) \(each with points is once: true or has a cap_per_person\), so the condition qualifies no one; give a band with grades a min of (\S+) or less, or raise those rules' points or caps$`), "プラスの点数の行動ルールはどれも once: true か cap_per_person で上限があり、1 人の行動スコアは最大 $2 のため、誰も行動帯 $1 に入りません。この条件では誰も MQL になりません。グレードを指定した行動帯の min を $3 以下にするか、それらのルールの点数や上限を上げてください"},
	{regexp.MustCompile(`^required: without it free mail changes no fit score; write the points for a free-mail address \(points: -20\), or points: 0 to give the domains to account grouping alone$`), "必須の項目です。points がないとフリーメールで適合度スコアは変わりません。フリーメールのアドレスの点数を書くか（points: -20）、ドメインをアカウントのまとめにだけ使うなら points: 0 と書いてください"},
	{regexp.MustCompile(`^required: without it free_mail does nothing; write the points for a free-mail address \(points: -20\), or remove free_mail$`), "必須の項目です。points がないと free_mail は何もしません。フリーメールのアドレスの点数を書くか（points: -20）、free_mail を消してください"},
	{regexp.MustCompile(`^(\d+), but bant defines none of the 4 facts: no one ever has (\d+) confirmed; define them under bant, or remove min_bant$`), "$1 ですが、bant に BANT の項目が 1 つも定義されていないため、誰も $2 項目を満たしません。bant に項目を定義するか、min_bant を消してください"},
	{regexp.MustCompile(`^(\d+), but bant defines (\d+) of the 4 facts \((.*)\): no one ever has (\d+) confirmed; define the others under bant, or lower min_bant$`), "$1 ですが、bant には 4 項目のうち $2 項目（$3）しか定義されていないため、誰も $4 項目を満たしません。ほかの項目を bant に定義するか、min_bant を下げてください"},
	{regexp.MustCompile(`^must map band names to grade lists$`), "行動帯の名前ごとにグレードのリストを指定してください"},
	{regexp.MustCompile(`^unknown band \(define it under bands\)$`), "定義されていない行動帯です（bands に定義してください）"},
	// A label (rulebook/labels.go): a rule's name as sales read it.
	{regexp.MustCompile(`^an empty label: give its text, or en and ja texts$`), "ラベルが空です。テキストを 1 つ、または en と ja のテキストを指定してください"},
	{regexp.MustCompile(`^must be a text, or a mapping of en and ja texts$`), "テキスト、または en と ja のテキストの組にしてください"},
	{regexp.MustCompile(`^empty: give the text sales read, or remove the label to show the name$`), "空です。営業に見せるテキストを書くか、名前のままでよければ label を消してください"},
	{regexp.MustCompile(`^(\d+) characters: at most (\d+) \(it heads a Task's subject\)$`), "$1 文字あります。$2 文字以内にしてください（ToDo の件名の先頭になります）"},
	{regexp.MustCompile(`^must be one line without control characters$`), "改行や制御文字を含まない 1 行にしてください"},
	{regexp.MustCompile(`^a condition needs min_behaviour, grades, min_bant or matrix$`), "条件には min_behaviour、grades、min_bant、matrix のいずれかが必要です"},
	{regexp.MustCompile(`^must be more than 0: a recycled lead qualifies again only on new behaviour$`), "0 より大きくしてください。ナーチャリングに戻したリードは、新しい行動があったときだけ再び MQL になります"},
	{regexp.MustCompile(`^want a duration such as 7d or 36h$`), "7d や 36h のような期間にしてください"},
	{regexp.MustCompile(`^must be between 0 and 1$`), "0〜1 にしてください"},
	{regexp.MustCompile(`^must be a number from (-\d+) to (\d+)$`), "$1〜$2 の数にしてください"},
	{regexp.MustCompile(`^must be a whole number from 1 to 1000$`), "1〜1000 の整数にしてください"},
	{regexp.MustCompile(`^must be more than 0 and at most 366$`), "0 より大きく 366 以下にしてください"},
	{regexp.MustCompile(`^unknown role (".*") \((.*)\)$`), "役割 $1 はありません（$2）"},
	{regexp.MustCompile(`^bad duration (".*") \(e\.g\. 30d, 72h\)$`), "期間 $1 を読み取れません（例：30d、72h）"},
	{regexp.MustCompile(`^bad duration (".*"): write it in half-width characters \(30d, not ３０d\)$`), "期間 $1 を読み取れません。半角で書いてください（３０d ではなく 30d）"},
	{regexp.MustCompile(`^(".*") is too short: points would be gone before the next event; write at least 1h \(e\.g\. 30d\)$`), "$1 は短すぎます。次のイベントまでにポイントが消えてしまいます。1h 以上を指定してください（例：30d）"},
	{regexp.MustCompile(`^(".*") is the name of the rule fit\.free_mail adds: give this rule another name$`), "$1 は fit.free_mail が自動で加えるルールの名前です。このルールには別の名前を付けてください"},
	{regexp.MustCompile(`^an empty domain: give an email domain \(rival\.com\)$`), "ドメインが空です。メールアドレスのドメイン（rival.com など）を書いてください"},
	{regexp.MustCompile(`^(".*") is no email domain: write (".*") \(its subdomains are included\)$`), "$1 はメールアドレスのドメインではありません。$2 と書いてください（サブドメインも含まれます）"},
	{regexp.MustCompile(`^(".*") can never match an email's domain: write (".*")$`), "$1 はメールアドレスのドメインに一致することがありません。$2 と書いてください"},
	{regexp.MustCompile(`^(".*") can never match an email's domain: write the domain of their email addresses, such as rival\.com$`), "$1 はメールアドレスのドメインに一致することがありません。rival.com のように、メールアドレスのドメインを書いてください"},
	{regexp.MustCompile(`^(".*") is no email domain: write (".*")$`), "$1 はメールアドレスのドメインではありません。$2 と書いてください"},
	{regexp.MustCompile(`^(".*") is no email domain: write the domain of their email addresses, such as rival\.com$`), "$1 はメールアドレスのドメインではありません。rival.com のように、メールアドレスのドメインを書いてください"},
	{regexp.MustCompile(`^no value is stored as (".*"): a form field so named is stored as (".*"); write attribute: (.*)$`), "属性 $1 に値が保存されることはありません。その名前のフォーム項目は $2 として保存されます。attribute: $3 と書いてください"},
	{regexp.MustCompile(`^no value is stored as (".*"): a form field so named is stored as (".*"); write field: (.*)$`), "属性 $1 に値が保存されることはありません。その名前のフォーム項目は $2 として保存されます。field: $3 と書いてください"},
	{regexp.MustCompile(`^min (\S+) is more than max (\S+): no value lies within both$`), "min（$1）が max（$2）より大きいため、どの値も範囲に入りません"},
	{regexp.MustCompile(`^same threshold as (\S+) \((\S+)\): no one is ever graded (\S+); give it a lower one$`), "$1 と同じしきい値（$2）のため、誰もグレード $3 になりません。より低い値にしてください"},
	{regexp.MustCompile(`^same min as bands\[(\d+)\] \((".*")\): (\S+); no score is ever in band (".*")$`), "bands[$1]（$2）と同じ min（$3）のため、どのスコアも行動帯 $4 に入りません"},
	// rulebook.Warning: a rules file's attribute likely misspelt.
	{regexp.MustCompile(`^(".*") is none of Baton's attributes: did you mean (\S+)\? As written it is read as a custom form field's name, and matches only people whose form sent a field so named$`), "$1 は Baton の属性名ではありません。$2 の書き間違いではありませんか。このままでは独自のフォーム項目の名前として読まれ、その名前の項目を送ったフォームの人にしか一致しません"},
	// rulebook.FitRule.Unstored, beside a fit rule the lab found matched nobody.
	{regexp.MustCompile(`^attribute (".*") is none Baton names: a custom form field's name, or (".*")\?$`), "属性 $1 は Baton の属性名ではありません。独自のフォーム項目の名前ですか。それとも $2 ですか"},
	{regexp.MustCompile(`^attribute (".*") is none Baton names: a custom form field's name\?$`), "属性 $1 は Baton の属性名ではありません。独自のフォーム項目の名前ですか"},
	{regexp.MustCompile(`^full-width space \(U\+3000, as an IME types it\) in this line: write a half-width space; (.*)$`), "全角スペース（IME が入力する U+3000）があります。半角スペースにしてください。$1"},
	{regexp.MustCompile(`^a tab in this line's indentation: YAML indents with spaces alone; (.*)$`), "この行のインデントにタブがあります。YAML のインデントは半角スペースだけで書いてください（$1）"},
	{regexp.MustCompile(`^full-width colon \(：, as an IME types it\) after the key in this line: write (".*")$`), "この行のキーの後のコロンが全角（IME が入力する「：」）です。$1 と書いてください"},
	{regexp.MustCompile(`^must be a mapping: (".*") has a full-width colon \(：, as an IME types it\); write (".*")$`), "「キー: 値」の形式（マッピング）にしてください。$1 のコロンが全角（IME が入力する「：」）です。$2 と書いてください"},
	{regexp.MustCompile(`^unknown key: a full-width colon \(：, as an IME types it\); write (".*")$`), "使えないキーです。コロンが全角（IME が入力する「：」）です。$1 と書いてください"},
	// yaml.v3's commonest, inside a ParseError.
	{regexp.MustCompile(`^yaml: line (\d+): (.*)$`), "YAML の書式が正しくありません（$1 行目）：$2"},
	{regexp.MustCompile(`^yaml: (.*)$`), "YAML の書式が正しくありません：$1"},
	{regexp.MustCompile(`^mapping values are not allowed in this context$`), "ここには「キー: 値」を書けません（コロンの後の空白やインデントを確認してください）"},
	{regexp.MustCompile(`^did not find expected key$`), "キーがあるはずの位置にありません（インデントを確認してください）"},
	{regexp.MustCompile(`^did not find expected node content$`), "値があるはずの位置にありません"},
	{regexp.MustCompile(`^did not find expected '-' indicator$`), "リストの「-」があるはずの位置にありません（インデントを確認してください）"},
	{regexp.MustCompile(`^did not find expected ',' or '([\]}])'$`), "「,」または「$1」があるはずの位置にありません（括弧の閉じ忘れを確認してください）"},
	{regexp.MustCompile(`^found unexpected end of stream$`), "ファイルが途中で終わっています（引用符や括弧の閉じ忘れを確認してください）"},
	{regexp.MustCompile(`^found character that cannot start any token$`), "値の先頭に使えない文字があります（タブや @、` は引用符で囲んでください）"},
	{regexp.MustCompile(`^found a tab character that violates indentation$`), "インデントにタブが使われています。空白にしてください"},
	{regexp.MustCompile(`^found a tab character where an indentation space is expected$`), "インデントにタブが使われています。空白にしてください"},
	{regexp.MustCompile(`^block sequence entries are not allowed in this context$`), "ここにはリストの項目（-）を書けません（インデントを確認してください）"},
	{regexp.MustCompile(`^could not find expected ':'$`), "「:」があるはずの位置にありません"},
	{regexp.MustCompile(`^unknown anchor '(.*)' referenced$`), "アンカー '$1' が定義されていません"},
	{regexp.MustCompile(`^\*(.+) is inside the value anchored &(.+): a value cannot contain itself$`), "エイリアス *$1 がアンカー &$2 の値の中にあります。値に自分自身を含めることはできません"},
	{regexp.MustCompile(`^<< must name a mapping \(<<: \*base\) or a list of them \(<<: \[\*base, \*more\]\)$`), "<< には「キー: 値」の形式（マッピング）のアンカー（<<: *base）か、そのリスト（<<: [*base, *more]）を指定してください"},
	// yaml.v3's rarer ones: its reader's (the file's encoding), scanner's
	// and parser's, and its decoder's about anchors.
	{regexp.MustCompile(`^invalid leading UTF-8 octet$`), "UTF-8 として正しくないバイトがあります（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^incomplete UTF-8 octet sequence$`), "UTF-8 の文字が途中で切れています（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^invalid trailing UTF-8 octet$`), "UTF-8 として正しくないバイトがあります（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^invalid length of a UTF-8 sequence$`), "UTF-8 として正しくないバイト列があります（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^invalid Unicode character$`), "使えない Unicode 文字があります"},
	{regexp.MustCompile(`^incomplete UTF-16 character$`), "UTF-16 の文字が途中で切れています（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^unexpected low surrogate area$`), "UTF-16 のサロゲートペアが正しくありません（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^incomplete UTF-16 surrogate pair$`), "UTF-16 のサロゲートペアが途中で切れています（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^expected low surrogate area$`), "UTF-16 のサロゲートペアが正しくありません（ファイルを UTF-8 で保存してください）"},
	{regexp.MustCompile(`^control characters are not allowed$`), "制御文字は使えません"},
	{regexp.MustCompile(`^mapping keys are not allowed in this context$`), "ここにはキーを書けません（インデントを確認してください）"},
	{regexp.MustCompile(`^found unknown directive name$`), "不明なディレクティブ（% で始まる行）があります"},
	{regexp.MustCompile(`^could not find expected directive name$`), "% の後にディレクティブ名がありません"},
	{regexp.MustCompile(`^did not find expected comment or line break$`), "コメントか改行があるはずの位置に別の文字があります"},
	{regexp.MustCompile(`^found unexpected non-alphabetical character$`), "英字があるはずの位置に別の文字があります"},
	{regexp.MustCompile(`^did not find expected digit or '\.' character$`), "数字か「.」があるはずの位置に別の文字があります"},
	{regexp.MustCompile(`^found extremely long version number$`), "バージョン番号が長すぎます"},
	{regexp.MustCompile(`^did not find expected version number$`), "バージョン番号があるはずの位置にありません"},
	{regexp.MustCompile(`^did not find expected whitespace or line break$`), "空白か改行があるはずの位置に別の文字があります"},
	{regexp.MustCompile(`^did not find expected whitespace$`), "空白があるはずの位置に別の文字があります"},
	{regexp.MustCompile(`^did not find expected alphabetic or numeric character$`), "英数字があるはずの位置に別の文字があります（アンカーやエイリアスの名前を確認してください）"},
	{regexp.MustCompile(`^did not find the expected '>'$`), "「>」があるはずの位置にありません（タグの閉じ忘れを確認してください）"},
	{regexp.MustCompile(`^did not find expected '!'$`), "「!」があるはずの位置にありません（タグを確認してください）"},
	{regexp.MustCompile(`^did not find expected tag URI$`), "タグの URI があるはずの位置にありません"},
	{regexp.MustCompile(`^did not find URI escaped octet$`), "URI の % エスケープが正しくありません"},
	{regexp.MustCompile(`^found an incorrect leading UTF-8 octet$`), "URI のエスケープが UTF-8 として正しくありません"},
	{regexp.MustCompile(`^found an incorrect trailing UTF-8 octet$`), "URI のエスケープが UTF-8 として正しくありません"},
	{regexp.MustCompile(`^found an indentation indicator equal to 0$`), "ブロック（| や >）のインデント指定に 0 は使えません"},
	{regexp.MustCompile(`^found unexpected document indicator$`), "文字列の途中に文書の区切り（--- や ...）があります（引用符の閉じ忘れを確認してください）"},
	{regexp.MustCompile(`^found unknown escape character$`), "使えないエスケープ（\\ の後の文字）があります（\\ を書くなら '…' で囲んでください）"},
	{regexp.MustCompile(`^did not find expected hexdecimal number$`), "\\x や \\u の後に 16 進数がありません"},
	{regexp.MustCompile(`^found invalid Unicode character escape code$`), "\\u のエスケープが Unicode の文字として正しくありません"},
	{regexp.MustCompile(`^did not find expected <stream-start>$`), "ファイルの始まりを読み取れません"},
	{regexp.MustCompile(`^did not find expected <document start>$`), "文書の始まり（---）があるはずの位置にありません"},
	{regexp.MustCompile(`^found undefined tag handle$`), "定義されていないタグハンドルがあります"},
	{regexp.MustCompile(`^found duplicate %YAML directive$`), "%YAML ディレクティブが 2 回あります"},
	{regexp.MustCompile(`^found incompatible YAML document$`), "YAML のバージョンに対応していません（1.1 か 1.2 にしてください）"},
	{regexp.MustCompile(`^found duplicate %TAG directive$`), "%TAG ディレクティブが重複しています"},
	{regexp.MustCompile(`^attempted to go past the end of stream; corrupted value\?$`), "ファイルの終わりを越えて読もうとしました（ファイルが壊れていないか確認してください）"},
	{regexp.MustCompile(`^document contains excessive aliasing$`), "エイリアス（*）の参照が多すぎます"},
	{regexp.MustCompile(`^anchor '(.*)' value contains itself$`), "アンカー '$1' の値が自分自身を含んでいます"},
	{regexp.MustCompile(`^unknown problem parsing YAML content$`), "原因不明の書式エラーです"},
	// regexp's (a bad pattern).
	{regexp.MustCompile("^error parsing regexp: (.*): (`.*`)$"), "正規表現を読み取れません（$1）：$2"},
	{regexp.MustCompile(`^missing closing ([)\]])$`), "「$1」が閉じられていません"},
	{regexp.MustCompile(`^unexpected \)$`), "対応する「(」のない「)」があります"},
	{regexp.MustCompile(`^invalid nested repetition operator$`), "繰り返し記号が重なっています"},
	{regexp.MustCompile(`^missing argument to repetition operator$`), "繰り返し記号の前に対象がありません"},
	{regexp.MustCompile(`^invalid repeat count$`), "繰り返し回数が正しくありません"},
	{regexp.MustCompile(`^invalid escape sequence$`), "エスケープが正しくありません"},
	{regexp.MustCompile(`^trailing backslash at end of expression$`), "末尾に \\ があります"},
	{regexp.MustCompile(`^invalid character class range$`), "文字クラスの範囲が正しくありません"},
	{regexp.MustCompile(`^invalid character class$`), "文字クラスが正しくありません"},
	{regexp.MustCompile(`^invalid named capture$`), "名前付きグループが正しくありません"},
	{regexp.MustCompile(`^invalid or unsupported Perl syntax$`), "使えない構文です"},
	{regexp.MustCompile(`^invalid UTF-8$`), "UTF-8 として正しくありません"},
	{regexp.MustCompile(`^expression nests too deeply$`), "入れ子が深すぎます"},
	{regexp.MustCompile(`^expression too large$`), "式が大きすぎます"},
	{regexp.MustCompile(`^regexp/syntax: internal error$`), "正規表現の処理中に内部エラーが発生しました"},
}

// jaPattern is a message's pattern and its Japanese ($1... its captures).
type jaPattern struct {
	re *regexp.Regexp
	ja string
}

// jaMessage is a run-time message in Japanese ("" when no pattern knows
// it). A message that wraps another ("...: line 3: ...") has the inner
// one translated too.
func jaMessage(s string) string { return jaMatch(s, jaPatterns, jaMessage, nil) }

// jaMatch is the one way a message is translated: s by the first of pats
// that matches it ("" for none), each capture that inner (nil: none) knows
// as a message of its own put back translated, then parts (in order)
// replacing what stays English in the result.
func jaMatch(s string, pats []jaPattern, inner func(string) string, parts []jaPattern) string {
	s = strings.TrimSuffix(s, ".")
	for _, p := range pats {
		m := p.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		j := string(p.re.ExpandString(nil, p.ja, s, m))
		// A capture may be a message of its own (the last one usually: "line
		// 3: ...", a rules file's "file:3: field: ..."; a regexp's error code
		// before the expression).
		for i := len(m)/2 - 1; inner != nil && i > 0; i-- {
			if m[2*i] < 0 {
				continue
			}
			in := s[m[2*i]:m[2*i+1]]
			if t := inner(in); t != "" {
				j = strings.Replace(j, in, strings.TrimSuffix(t, "。"), 1)
			}
		}
		for _, part := range parts {
			j = part.re.ReplaceAllString(j, part.ja)
		}
		return jaQuotedValues(jaHeaderNames(j)) + "。"
	}
	return ""
}

// headerNames is a header's cells as csvin.Names lists them in a message
// ("氏名", "会社名", … (+3)), where the Japanese says 見出し行は … です or
// （1 行目は …）.
var headerNames = regexp.MustCompile(`(見出し行は|1 行目は) ("(?:[^"\\]|\\.)*"(?:, "(?:[^"\\]|\\.)*")*(?:, … \(\+\d+\))?)( です|）)`)

// headerName is one cell of such a list, and what is left out.
var headerName = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|… \(\+(\d+)\)`)

// jaHeaderNames quotes the header's cells in j as Japanese quotes names,
// 「氏名」、「会社名」 (ほか 3 列 for the cells left out): the English
// message's "氏名", "会社名" read as code in a Japanese sentence.
func jaHeaderNames(j string) string {
	return headerNames.ReplaceAllStringFunc(j, func(m string) string {
		g := headerNames.FindStringSubmatch(m)
		var names []string
		more := ""
		for _, c := range headerName.FindAllStringSubmatch(g[2], -1) {
			if c[1] != "" {
				more = "ほか " + c[1] + " 列"
				continue
			}
			u, err := strconv.Unquote(c[0])
			if err != nil {
				return m // not csvin.Names' list: as it is
			}
			names = append(names, "「"+u+"」")
		}
		return g[1] + strings.Join(names, "、") + more + strings.TrimPrefix(g[3], " ")
	})
}

// quotedValue is a value a Japanese reason puts in 「」 ("「$1」" of a
// capture the English quoted, "not-an-email"): the Go-quoted string
// inside the brackets.
var quotedValue = regexp.MustCompile(`「("(?:[^"\\]|\\.)*")」`)

// jaQuotedValues quotes the values in j as Japanese quotes them,
// 「not-an-email」: the English's "not-an-email" read as code in a Japanese
// sentence. What the English escaped and a page cannot show as it is (a
// control character, a bidirectional override, bytes not UTF-8) stays
// escaped (\t, \u202e, \xff); a quote inside is the value's own.
func jaQuotedValues(j string) string {
	return quotedValue.ReplaceAllStringFunc(j, func(m string) string {
		q := strings.TrimSuffix(strings.TrimPrefix(m, "「"), "」")
		u, err := strconv.Unquote(q)
		if err != nil {
			return m // not a Go-quoted string: as it is
		}
		var b strings.Builder
		b.WriteString("「")
		for i := 0; i < len(u); {
			r, n := utf8.DecodeRuneInString(u[i:])
			switch {
			case r == utf8.RuneError && n == 1:
				fmt.Fprintf(&b, `\x%02x`, u[i])
			case strconv.IsPrint(r):
				b.WriteRune(r)
			default:
				b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
			}
			i += n
		}
		b.WriteString("」")
		return b.String()
	})
}

// defParts word a condition's definition (lab.Describe: "behaviour >= 40,
// grade A or B, BANT 3 of 4, matrix hot x A/B/C, warm x A") in Japanese.
var defParts = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`behaviour >= (\S+?)(,|$)`), "行動スコア ≥ $1$2"},
	{regexp.MustCompile(`grade (\S+(?: or \S+?)*)(,|$)`), "グレード $1$2"},
	{regexp.MustCompile(`BANT (\d) of 4`), "BANT 4 項目中 $1 以上"},
	{regexp.MustCompile(`matrix `), "マトリクス "},
	{regexp.MustCompile(` x `), " × "},
	{regexp.MustCompile(` or `), "・"},
	{regexp.MustCompile(`, `), "、"},
}

// defBand is a matrix cell's band in a definition ("matrix hot x A/B/C,
// warm x A"): named by its label, as the person page and reports name
// bands (高, high), never by the rules file's name.
var defBand = regexp.MustCompile(`(matrix |, )(\S+) x `)

// Def is a condition's definition in the page's language, its bands by
// their labels.
func (p page) Def(s string) string {
	s = defBand.ReplaceAllStringFunc(s, func(m string) string {
		c := defBand.FindStringSubmatch(m)
		return c[1] + p.Band(c[2]) + " x "
	})
	if p.L != "ja" {
		s = strings.ReplaceAll(s, "behaviour >= ", "behaviour score ≥ ")
		return strings.ReplaceAll(s, " x ", " × ")
	}
	for _, d := range defParts {
		s = d.re.ReplaceAllString(s, d.ja)
	}
	return s
}
