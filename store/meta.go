package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A bbolt file starts with two meta pages, 0 and 1. Every commit writes the
// next transaction id to page txid%2, so one page holds the newest
// transaction and the other the one before. When the newer page does not
// read (a write torn by a crash or a power cut, a bad sector), bbolt silently
// opens the file at the older one: the last transaction is gone without an
// error. The store looks at both pages itself when it opens a file, to say so.
//
// The layout read here is bbolt v1.5.0's (internal/common/meta.go, page.go):
// a 16-byte page header (id, flags, count, overflow), then the meta fields in
// the machine's byte order:
//
//	 0 magic uint32     4 version uint32   8 pageSize uint32  12 flags uint32
//	16 root pgid        24 root sequence   32 freelist pgid   40 high-water pgid
//	48 txid             56 checksum: FNV-64a of bytes 0–55
const (
	metaOffset   = 16
	metaSize     = 64
	metaMagic    = 0xED0CDAED
	metaVersion  = 2
	offPageSize  = 8
	offRoot      = 16
	offFreelist  = 32
	offPgid      = 40
	offTxid      = 48
	offChecksum  = 56
	metaReadSize = 0x1000 // what bbolt reads to find the page size
)

var keyLastWrite = []byte("last_write")

// LastWrite is what the store records, in the same transaction, about every
// save of a session (Save and Import): which transaction, which session, where
// it stood after the save.
type LastWrite struct {
	Txid uint64    `json:"txid"` // bbolt's transaction id of the save
	ID   string    `json:"id"`   // the session saved
	Step string    `json:"step"` // the session's step after the save: what resuming opens
	Kind string    `json:"kind"` // the event saved with it
	Seq  uint64    `json:"seq"`
	At   time.Time `json:"at"`
}

// putLastWrite records the save of sess with ev in tx.
func putLastWrite(tx *bolt.Tx, sess *Session, ev Event) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return nil // a file before schema 1; the migration creates the bucket
	}
	data, err := json.Marshal(LastWrite{Txid: uint64(tx.ID()), ID: sess.ID, Step: sess.Step, Kind: ev.Kind, Seq: ev.Seq, At: ev.At})
	if err != nil {
		return err
	}
	return meta.Put(keyLastWrite, data)
}

// readLastWrite returns the last save recorded in tx, or nil.
func readLastWrite(tx *bolt.Tx) *LastWrite {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return nil
	}
	v := meta.Get(keyLastWrite)
	if v == nil {
		return nil
	}
	var lw LastWrite
	if json.Unmarshal(v, &lw) != nil {
		return nil
	}
	return &lw
}

// MetaDamage says that one of the file's two meta pages does not read, so
// bbolt reads the file at the transaction the other one names.
type MetaDamage struct {
	Path   string
	Page   int    // the damaged meta page, 0 or 1
	Err    error  // why it does not read: berrors.ErrInvalid, ErrVersionMismatch or ErrChecksum
	InUse  uint64 // the transaction the file is read at (the good page's)
	Lost   bool   // the damaged page held transaction InUse+1: that save is lost
	Unsure bool   // the damaged page's transaction id does not read: InUse+1 may be lost
	// Last is the last save of a session recorded in the file as it reads now
	// (normally transaction InUse): the signup most likely touched by the lost
	// save, whose step Last.Step may need to be done again. Nil if unknown.
	Last *LastWrite
}

// MayHaveLost reports whether a save may be missing: the newer meta page, or
// one that could be it, is the damaged one.
func (d *MetaDamage) MayHaveLost() bool { return d != nil && (d.Lost || d.Unsure) }

// String says what happened and what to do, in one paragraph.
func (d *MetaDamage) String() string {
	var who string
	if d.Last != nil && d.Last.ID != "" {
		step := d.Last.Step
		if step == "" {
			step = "-"
		}
		who = fmt.Sprintf(" The signup %s may need its last step (%s) done again: it is the one saved last before that (transaction %d).",
			d.Last.ID, step, d.Last.Txid)
	} else {
		who = " Which signup that save was for is not recorded in the file."
	}
	switch {
	case d.Lost:
		return fmt.Sprintf("The last save (transaction %d) was lost: a header page of %s is damaged (%v), "+
			"and the file has gone back to transaction %d.", d.InUse+1, d.Path, d.Err, d.InUse) + who
	case d.Unsure:
		return fmt.Sprintf("A header page of %s is damaged (%v); the file reads at transaction %d, and a later save "+
			"(transaction %d), if there was one, was lost.", d.Path, d.Err, d.InUse, d.InUse+1) + who
	}
	return fmt.Sprintf("The older of the two header pages of %s is damaged (%v); nothing was lost, "+
		"and the next save rewrites it.", d.Path, d.Err)
}

type metaPage struct {
	err      error // nil if bbolt would accept the page
	pageSize uint32
	txid     uint64
	root     uint64 // the root bucket's page
	freelist uint64 // the freelist's page; pgidNoFreelist if not written
	pgid     uint64 // the high-water mark: pages below it are in the file
}

// pgidNoFreelist is bbolt's freelist page id for "not written" (NoFreelistSync).
const pgidNoFreelist = 0xffffffffffffffff

func parseMeta(b []byte) metaPage {
	if len(b) < metaOffset+metaSize {
		return metaPage{err: berrors.ErrInvalid}
	}
	m := b[metaOffset : metaOffset+metaSize]
	ne := binary.NativeEndian
	p := metaPage{pageSize: ne.Uint32(m[offPageSize:]), txid: ne.Uint64(m[offTxid:]),
		root: ne.Uint64(m[offRoot:]), freelist: ne.Uint64(m[offFreelist:]), pgid: ne.Uint64(m[offPgid:])}
	h := fnv.New64a()
	h.Write(m[:offChecksum])
	switch {
	case ne.Uint32(m) != metaMagic:
		p.err = berrors.ErrInvalid
	case ne.Uint32(m[4:]) != metaVersion:
		p.err = berrors.ErrVersionMismatch
	case ne.Uint64(m[offChecksum:]) != h.Sum64():
		p.err = berrors.ErrChecksum
	}
	return p
}

// header is what the meta page bbolt reads a file at says about it.
type header struct {
	pageSize   uint32
	pgid       uint64 // high-water mark
	noFreelist bool   // the freelist was not written: bbolt rebuilds it by walking every page
	fileSize   int64
	bad        error // what is wrong with the pages checked (see readHeader); nil if nothing
}

// Page header fields (bbolt's common.Page): id uint64, flags uint16,
// count uint16, overflow uint32.
const (
	pageBranch   = 0x01
	pageLeaf     = 0x02
	pageFreelist = 0x10
)

// page reads the header of page id of f: its flags, count (for a freelist
// page, of the ids it lists) and overflow, checking that it is the page it
// says and lies inside the file's high-water mark.
func (h header) page(f *os.File, id uint64) (flags uint16, count uint64, overflow uint64, err error) {
	ps := uint64(h.pageSize)
	if id < 2 || id >= h.pgid {
		return 0, 0, 0, fmt.Errorf("page %d is outside the file's %d pages", id, h.pgid)
	}
	var b [24]byte
	if _, err := f.ReadAt(b[:], int64(id*ps)); err != nil {
		return 0, 0, 0, fmt.Errorf("page %d does not read: %v", id, err)
	}
	ne := binary.NativeEndian
	if got := ne.Uint64(b[:]); got != id {
		return 0, 0, 0, fmt.Errorf("page %d says it is page %d", id, got)
	}
	flags, count, overflow = ne.Uint16(b[8:]), uint64(ne.Uint16(b[10:])), uint64(ne.Uint32(b[12:]))
	if id+overflow >= h.pgid {
		return 0, 0, 0, fmt.Errorf("page %d runs past the file's %d pages", id, h.pgid)
	}
	if flags == pageFreelist && count == 0xFFFF {
		count = ne.Uint64(b[16:]) + 1
	}
	return flags, count, overflow, nil
}

// checkPages looks at the two pages every transaction starts from, which
// bbolt reads without checking: the root bucket's page and, for a writer,
// the freelist's (bbolt panics while opening the file if that one is
// damaged, and the panic keeps the file locked). It also checks that the
// file reaches its high-water mark (a cut file).
func (h *header) checkPages(f *os.File, m metaPage) {
	ps := uint64(h.pageSize)
	if uint64(h.fileSize) < h.pgid*ps {
		h.bad = fmt.Errorf("the file is %d bytes, shorter than the %d its header pages call for: it was cut short",
			h.fileSize, h.pgid*ps)
		return
	}
	page := func(id uint64) (uint16, uint64, uint64, error) { return h.page(f, id) }
	if flags, _, _, err := page(m.root); err != nil {
		h.bad = fmt.Errorf("the root page: %w", err)
	} else if flags != pageBranch && flags != pageLeaf {
		h.bad = fmt.Errorf("the root page %d is not a branch or leaf page (flags %#x)", m.root, flags)
	}
	if h.bad != nil || h.noFreelist {
		return
	}
	if flags, count, overflow, err := page(m.freelist); err != nil {
		h.bad = fmt.Errorf("the freelist: %w", err)
	} else if flags != pageFreelist {
		h.bad = fmt.Errorf("the freelist page %d is not a freelist page (flags %#x)", m.freelist, flags)
	} else if 16+count*8 > (overflow+1)*ps {
		h.bad = fmt.Errorf("the freelist page %d lists %d pages, more than it holds", m.freelist, count)
	}
}

// readHeader reads the meta pages of the file at path (two small reads) and
// returns what the one bbolt would use says; ok is false if neither reads
// (bbolt then refuses the file) or the file cannot be read here.
func readHeader(path string) (header, bool) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return header{}, false
	}
	m0, m1, ok := readMetas(f)
	if !ok {
		return header{}, false
	}
	good := m0
	if m0.err != nil || (m1.err == nil && m1.txid > m0.txid) {
		good = m1
	}
	if good.err != nil {
		return header{}, false
	}
	h := header{pageSize: good.pageSize, pgid: good.pgid, noFreelist: good.freelist == pgidNoFreelist, fileSize: fi.Size()}
	h.checkPages(f, good)
	return h, true
}

// readMetas reads both meta pages of f, finding page 1 as bbolt would when
// page 0 does not read; ok is false if page 1 cannot be found either.
func readMetas(f *os.File) (m0, m1 metaPage, ok bool) {
	read := func(off int64) []byte {
		buf := make([]byte, metaReadSize)
		n, err := f.ReadAt(buf, off)
		if err != nil && err != io.EOF {
			return nil
		}
		return buf[:n]
	}
	m0 = parseMeta(read(0))
	pageSize := int64(m0.pageSize)
	if m0.err != nil {
		// Find page 1 where bbolt would: at each possible page size.
		pageSize = 0
		for size := int64(1024); size <= 64<<10; size *= 2 {
			if m := parseMeta(read(size)); m.err == nil && int64(m.pageSize) == size {
				pageSize = size
				break
			}
		}
		if pageSize == 0 {
			return m0, m1, false
		}
	}
	return m0, parseMeta(read(pageSize)), true
}

// inspectMeta reads both meta pages of the file at path. It returns nil if
// both read, or if neither does (then bbolt refuses the file, and Open says it
// is damaged), or if the file cannot be read here.
func inspectMeta(path string) *MetaDamage {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	m0, m1, ok := readMetas(f)
	if !ok {
		return nil
	}
	if (m0.err == nil) == (m1.err == nil) {
		return nil
	}
	good, bad, page := m0, m1, 1
	if m0.err != nil {
		good, bad, page = m1, m0, 0
	}
	d := &MetaDamage{Path: path, Page: page, Err: bad.err, InUse: good.txid}
	switch {
	case bad.txid == good.txid+1:
		d.Lost = true
	case bad.txid+1 == good.txid:
	default:
		d.Unsure = true
	}
	return d
}
