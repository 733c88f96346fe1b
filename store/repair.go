package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// MoveAside renames a damaged data file to <path>.corrupt-<UTC time>, e.g.
// wizard.db.corrupt-20250314T092653Z, and returns the new name. It never
// overwrites: if that name is taken, a counter is added. The next Open of path
// then starts a fresh file; the old one stays for whoever wants to recover it.
func MoveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	for i := 1; i < 100; i++ {
		dst := base
		if i > 1 {
			dst = fmt.Sprintf("%s-%d", base, i)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("store: move aside %s: %w", path, err)
		}
		if err := os.Rename(path, dst); err != nil {
			return "", fmt.Errorf("store: move aside %s: %w", path, err)
		}
		return dst, nil
	}
	return "", fmt.Errorf("store: move aside %s: too many copies named %s*", path, base)
}
