package admin

import (
	"io"
	"net/http"
	"strconv"

	"github.com/baton-hq/baton/internal/httpx"
)

// backup answers a consistent copy of the embedded store's whole file,
// taken while Baton runs: the local stack's backup. Every person's data
// is in it, hence a scope of its own. On DynamoDB the table's point-in-
// time recovery is the backup.
func (h *Handler) backup(w http.ResponseWriter, r *http.Request) {
	if h.Backup == nil {
		httpx.Error(w, http.StatusConflict, "this store is DynamoDB: its point-in-time recovery is the backup")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	hd.Set("Content-Disposition", `attachment; filename="baton.db"`)
	hd.Set("Cache-Control", "no-store")
	var size int64
	err := h.Backup(w, func(n int64) {
		size = n
		hd.Set("Content-Length", strconv.FormatInt(n, 10))
	})
	if err != nil {
		// Once the copy has started the status is sent: the client sees a
		// body shorter than its Content-Length.
		h.log().Error("backup", "err", err, "by", callerName(r))
		if size == 0 {
			httpx.Error(w, http.StatusInternalServerError, "internal error")
		}
		return
	}
	h.log().Info("backup taken", "by", callerName(r), "bytes", size)
}

// Backup writes a consistent copy of the store to w, telling sized its
// size first (bolttable.Table.Backup).
type Backup func(w io.Writer, sized func(int64)) error
