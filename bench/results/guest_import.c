#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/escape.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "results/guest_import.h"

#define BLOCK 512
#define LINE_MAX_LEN 4096 /* busybox base64 writes 76 characters a line */

void guest_import_default_limits(struct guest_import_limits *lim)
{
	lim->max_files = GUEST_IMPORT_MAX_FILES;
	lim->max_file_bytes = GUEST_IMPORT_MAX_FILE_BYTES;
	lim->max_total_bytes = GUEST_IMPORT_MAX_TOTAL_BYTES;
	lim->max_depth = GUEST_IMPORT_MAX_DEPTH;
}

/* One byte of a name or a line for a message, as the terminal sees it (\x0a, \x1b...). */
static void escape_byte(char c, char *out, size_t outlen)
{
	char one[2] = { c, '\0' };
	esc_terminal(out, outlen, one);
}

static void say_line(guest_import_say_fn say, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say_line(guest_import_say_fn say, void *ctx, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (say)
		say(ctx, line);
}

/* --- base64 between the markers ------------------------------------------------------------ */

struct buf {
	unsigned char *p;
	size_t len, cap, max;
};

static int buf_put(struct buf *b, unsigned char c)
{
	if (b->len == b->max)
		return -EFBIG;
	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1 << 16;
		if (cap > b->max)
			cap = b->max;
		unsigned char *p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	b->p[b->len++] = c;
	return 0;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Read line by line (a fixed buffer: a line past it is marked long), decode the first
 * BEGIN..END section into b. 0, -ENODATA (no complete section) or -EBADMSG/-EFBIG (why set). */
static int decode_section(FILE *f, struct buf *b, char *why, size_t whylen)
{
	char line[LINE_MAX_LEN + 2];
	unsigned long lineno = 0;
	bool inside = false, padded = false;
	unsigned quad = 0, nq = 0;
	for (;;) {
		size_t n = 0;
		bool eof = false, longline = false;
		int c;
		while ((c = getc(f)) != EOF && c != '\n') {
			if (n < sizeof line - 1)
				line[n++] = (char)c;
			else
				longline = true;
		}
		if (c == EOF && n == 0 && !longline)
			eof = true;
		if (eof)
			break;
		lineno++;
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!inside) {
			inside = !longline && !strcmp(line, "WCBENCH-OUT-BEGIN");
			continue;
		}
		if (!longline && !strcmp(line, "WCBENCH-OUT-END")) {
			if (nq) {
				snprintf(why, whylen, "line %lu: the base64 stream ends inside a group of four", lineno);
				return -EBADMSG;
			}
			return 0;
		}
		if (longline) {
			snprintf(why, whylen, "line %lu: longer than %d characters", lineno, LINE_MAX_LEN);
			return -EBADMSG;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)line[i];
			int v = b64_value(ch);
			if (ch == '=') {
				/* padding: "xx==" or "xxx=", then nothing but the end */
				if (nq < 2) {
					snprintf(why, whylen, "line %lu: misplaced '=' in the base64 stream", lineno);
					return -EBADMSG;
				}
				int rc = buf_put(b, (unsigned char)(quad >> (nq == 2 ? 4 : 10)));
				if (!rc && nq == 3)
					rc = buf_put(b, (unsigned char)(quad >> 2));
				if (rc)
					goto full;
				padded = true;
				nq = 0;
				quad = 0;
				/* skip the rest of the padding */
				while (i + 1 < n && line[i + 1] == '=')
					i++;
				continue;
			}
			if (v < 0) {
				char e[8];
				escape_byte(line[i], e, sizeof e);
				snprintf(why, whylen, "line %lu: '%s' is not base64", lineno, e);
				return -EBADMSG;
			}
			if (padded) {
				snprintf(why, whylen, "line %lu: base64 data after the padding", lineno);
				return -EBADMSG;
			}
			quad = quad << 6 | (unsigned)v;
			if (++nq == 4) {
				int rc = buf_put(b, (unsigned char)(quad >> 16));
				if (!rc)
					rc = buf_put(b, (unsigned char)(quad >> 8));
				if (!rc)
					rc = buf_put(b, (unsigned char)quad);
				if (rc)
					goto full;
				nq = 0;
				quad = 0;
			}
		}
	}
	if (inside) {
		snprintf(why, whylen, "the stream ends without WCBENCH-OUT-END (truncated)");
		return -EBADMSG;
	}
	snprintf(why, whylen, "no WCBENCH-OUT-BEGIN line");
	return -ENODATA;
full:
	if (b->len == b->max) {
		snprintf(why, whylen, "line %lu: decodes to more than %zu bytes", lineno, b->max);
		return -EFBIG;
	}
	snprintf(why, whylen, "%s", strerror(ENOMEM));
	return -ENOMEM;
}

/* --- ustar ------------------------------------------------------------------------------------- */

struct tar_entry {
	const unsigned char *hdr, *data;
	uint64_t size;
};

/* An octal field: optional spaces, digits, then NULs or spaces to its end. */
static int octal(const unsigned char *f, size_t n, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	while (i < n && f[i] == ' ')
		i++;
	size_t start = i;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	if (i == start)
		return -1;
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static bool zero_block(const unsigned char *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* Split the stream into entries; every header's checksum, magic and size checked. */
static int parse_tar(const unsigned char *p, size_t len, struct tar_entry **out, size_t *count, char *why,
		     size_t whylen)
{
	size_t off = 0, n = 0, cap = 0;
	struct tar_entry *e = NULL;
	for (;;) {
		if (len - off < BLOCK) {
			snprintf(why, whylen, "the tar stream ends at byte %zu without its end-of-archive block (truncated)", off);
			goto bad;
		}
		const unsigned char *h = p + off;
		if (zero_block(h))
			break;
		uint64_t sum = 0, want, size;
		int64_t ssum = 0;
		for (int i = 0; i < BLOCK; i++) {
			unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
			sum += c;
			ssum += (signed char)c;
		}
		if (octal(h + 148, 8, &want) || (want != sum && (int64_t)want != ssum)) {
			snprintf(why, whylen, "the tar header at byte %zu has a wrong checksum", off);
			goto bad;
		}
		if (memcmp(h + 257, "ustar", 5) || (h[262] != '\0' && h[262] != ' ')) {
			snprintf(why, whylen, "the tar header at byte %zu is not ustar", off);
			goto bad;
		}
		if (octal(h + 124, 12, &size)) {
			snprintf(why, whylen, "the tar header at byte %zu has a size that is not octal", off);
			goto bad;
		}
		off += BLOCK;
		uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
		if (padded > len - off) {
			snprintf(why, whylen, "the tar stream ends inside the entry at byte %zu (truncated)", off - BLOCK);
			goto bad;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct tar_entry *ne = realloc(e, cap * sizeof *e);
			if (!ne) {
				free(e);
				snprintf(why, whylen, "%s", strerror(ENOMEM));
				return -ENOMEM;
			}
			e = ne;
		}
		e[n++] = (struct tar_entry){ .hdr = h, .data = p + off, .size = size };
		off += (size_t)padded;
	}
	*out = e;
	*count = n;
	return 0;
bad:
	free(e);
	return -EBADMSG;
}

/* The entry's name: prefix/name for POSIX ustar ("ustar\0"), name alone for GNU ("ustar  "). */
static void entry_name(const unsigned char *h, char *name, size_t len)
{
	char base[101], prefix[156];
	memcpy(base, h, 100);
	base[100] = '\0';
	memcpy(prefix, h + 345, 155);
	prefix[155] = '\0';
	if (h[262] == '\0' && prefix[0])
		snprintf(name, len, "%s/%s", prefix, base);
	else
		snprintf(name, len, "%s", base);
}

static bool safe_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '-';
}

int guest_import_name_ok(const char *name)
{
	if (!*name || *name == '.')
		return 0;
	for (const char *c = name; *c; c++)
		if (!safe_char(*c))
			return 0;
	return 1;
}

static const char *type_refused(char t)
{
	switch (t) {
	case '0': case '\0': case '5': return NULL;
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device";
	case '4': return "a block device";
	case '6': return "a FIFO";
	case '7': return "a contiguous file";
	case 'L': case 'K': return "a GNU long name";
	case 'x': case 'g': return "a pax header";
	case 'S': return "a GNU sparse file";
	default: return "an entry of an unknown type";
	}
}

/* Names the launcher writes into OUT/guest itself: a guest's file must not replace them. */
static bool reserved_in_guest(const char *c)
{
	static const char *const own[] = { "console.log", "qemu.cmd", "qemu.version", "build.log",
					   "serial.txt", "import.log", "work" };
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (!strcmp(c, own[i]))
			return true;
	return false;
}

#define MAX_COMPONENTS 64

/* Why the normalized name (no "./", no trailing '/') is refused, or NULL; comps filled. */
static const char *name_refused(char *name, char **comps, unsigned *ncomp, unsigned max_depth, char *why,
				size_t whylen)
{
	if (name[0] == '/')
		return "an absolute path";
	unsigned n = 0;
	for (char *s = name, *slash;; s = slash + 1) {
		slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (!*s)
			return "an empty path component";
		if (!strcmp(s, ".."))
			return "'..' in its path";
		if (*s == '.')
			return "a path component starting with '.'";
		const char *c = s;
		while (*c && safe_char(*c))
			c++;
		if (*c) {
			char e[8];
			escape_byte(*c, e, sizeof e);
			snprintf(why, whylen, "the character '%s', not in [A-Za-z0-9._-]", e);
			return why;
		}
		if (n == MAX_COMPONENTS || n == max_depth) {
			snprintf(why, whylen, "deeper than %u levels", max_depth);
			return why;
		}
		comps[n++] = s;
		if (!slash)
			break;
	}
	*ncomp = n;
	if (strcmp(comps[0], "guest") && strcmp(comps[0], "run"))
		return "outside guest/ and run/";
	if (!strcmp(comps[0], "guest") && n >= 2 && reserved_in_guest(comps[1]))
		return "a name the launcher writes itself";
	if (!strcmp(comps[0], "run") && n >= 2 && !strcmp(comps[1], "guest"))
		return "run/guest/: the guest's logs come in guest/";
	return NULL;
}

/* mkdirat + open without following a link; fd or -errno */
static int enter_dir(int dfd, const char *name)
{
	if (mkdirat(dfd, name, 0755) && errno != EEXIST)
		return -errno;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

struct importer {
	const struct guest_import_limits *lim;
	guest_import_say_fn say;
	void *ctx;
	const char *out;
	int outfd;
	struct guest_import_result *res;
	uint64_t total;
};

static void refuse(struct importer *im, const char *shown, const char *why)
{
	im->res->refused++;
	say_line(im->say, im->ctx, "%s: refused: %s", shown, why);
}

/* Whether a file entry would pass the limits: a file too many, too large, or past the total;
 * true with why said. */
static bool over_limit(const struct importer *im, const struct tar_entry *e, char *why, size_t whylen)
{
	if (im->res->imported >= im->lim->max_files)
		snprintf(why, whylen, "more than %u files", im->lim->max_files);
	else if (e->size > im->lim->max_file_bytes)
		snprintf(why, whylen, "%llu bytes, more than %llu a file", (unsigned long long)e->size,
			 (unsigned long long)im->lim->max_file_bytes);
	else if (e->size > im->lim->max_total_bytes - im->total)
		snprintf(why, whylen, "past %llu bytes in all", (unsigned long long)im->lim->max_total_bytes);
	else
		return false;
	return true;
}

/* A file entry's bytes as name in the directory dfd (where: its path, for messages), written
 * whole or not at all, mode 0644. 0, or -errno with the line in err. */
static int write_entry(int dfd, const char *name, const char *where, const struct tar_entry *e, char *err,
		       size_t errlen)
{
	struct safe_whole w;
	int rc = safe_whole_openat(&w, dfd, name, where, err, errlen);
	if (rc)
		return rc;
	rc = write_all(w.fd, e->data, (size_t)e->size);
	if (!rc && fchmod(w.fd, 0644))
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "%s: %s", where, strerror(-rc));
		safe_whole_abort(&w);
		return rc;
	}
	return safe_whole_commit(&w, err, errlen);
}

static void import_entry(struct importer *im, const struct tar_entry *e)
{
	char raw[260], name[260], shown[1100], why[256];
	entry_name(e->hdr, raw, sizeof raw);
	esc_terminal(shown, sizeof shown, raw);
	char type = (char)e->hdr[156];
	const char *bad = type_refused(type);
	if (bad) {
		char target[101], tshown[420];
		memcpy(target, e->hdr + 157, 100);
		target[100] = '\0';
		esc_terminal(tshown, sizeof tshown, target);
		snprintf(why, sizeof why, "%s%s%s%s: only regular files come back", bad,
			 (type == '1' || type == '2') ? " (to " : "", (type == '1' || type == '2') ? tshown : "",
			 (type == '1' || type == '2') ? ")" : "");
		refuse(im, shown, why);
		return;
	}
	const char *n = raw;
	if (!strncmp(n, "./", 2))
		n += 2;
	snprintf(name, sizeof name, "%s", n);
	size_t len = strlen(name);
	if (type == '5' && len && name[len - 1] == '/')
		name[--len] = '\0';
	if (!len || !strcmp(name, "."))
		return; /* the archive's root */
	char *comps[MAX_COMPONENTS];
	unsigned nc = 0;
	const char *nbad = name_refused(name, comps, &nc, im->lim->max_depth, why, sizeof why);
	if (nbad) {
		refuse(im, shown, nbad);
		return;
	}
	bool dir = type == '5';
	if (nc == 1) {
		if (!dir)
			refuse(im, shown, "guest and run must be directories");
		return;
	}
	if (!dir && over_limit(im, e, why, sizeof why)) {
		refuse(im, shown, why);
		return;
	}
	/* guest/X lands in OUT/guest/X, run/X in OUT/X */
	int dfd = fcntl(im->outfd, F_DUPFD_CLOEXEC, 0);
	unsigned first = strcmp(comps[0], "guest") ? 1 : 0;
	unsigned dirs = dir ? nc : nc - 1;
	char where[PATH_MAX], err[PATH_MAX + 200];
	size_t wl = (size_t)snprintf(where, sizeof where, "%s", im->out);
	for (unsigned i = first; i < dirs && dfd >= 0; i++) {
		int sub = enter_dir(dfd, comps[i]);
		if (wl < sizeof where)
			wl += (size_t)snprintf(where + wl, sizeof where - wl, "/%s", comps[i]);
		if (sub < 0) {
			snprintf(why, sizeof why, "%s: %s", where,
				 sub == -ELOOP || sub == -ENOTDIR ? "a link or not a directory: wcbench writes through no link"
								  : strerror(-sub));
			close(dfd);
			refuse(im, shown, why);
			return;
		}
		close(dfd);
		dfd = sub;
	}
	if (dfd < 0) {
		refuse(im, shown, strerror(errno));
		return;
	}
	if (dir) {
		close(dfd);
		return;
	}
	if (wl < sizeof where)
		snprintf(where + wl, sizeof where - wl, "/%s", comps[nc - 1]);
	int rc = write_entry(dfd, comps[nc - 1], where, e, err, sizeof err);
	close(dfd);
	if (rc) {
		refuse(im, shown, err);
		return;
	}
	im->res->imported++;
	im->total += e->size;
}

/* The raw serial file, its first max bytes, as OUT/guest/serial.txt. 0 or -errno. */
static int keep_raw(FILE *f, int outfd, const char *out, uint64_t max, char *path, size_t pathlen)
{
	int gfd = enter_dir(outfd, "guest");
	if (gfd < 0)
		return gfd;
	snprintf(path, pathlen, "%s/guest/serial.txt", out);
	char err[256];
	struct safe_whole w;
	int rc = safe_whole_openat(&w, gfd, "serial.txt", path, err, sizeof err);
	close(gfd);
	if (rc)
		return rc;
	rewind(f);
	char buf[65536];
	uint64_t left = max;
	while (!rc && left) {
		size_t n = fread(buf, 1, left < sizeof buf ? (size_t)left : sizeof buf, f);
		if (!n)
			break;
		rc = write_all(w.fd, buf, n);
		left -= n;
	}
	if (rc) {
		safe_whole_abort(&w);
		return rc;
	}
	return safe_whole_commit(&w, err, sizeof err);
}

int guest_import(const char *serial_path, const char *out_dir, const struct guest_import_limits *lim,
		 guest_import_say_fn say, void *ctx, struct guest_import_result *res, char *err,
		 size_t errlen)
{
	memset(res, 0, sizeof *res);
	int outfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (outfd < 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", out_dir, strerror(-rc));
		return rc;
	}
	int fd = safe_open(serial_path, O_RDONLY, 0, err, errlen);
	if (fd < 0) {
		close(outfd);
		return fd;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int rc = -errno;
		close(fd);
		close(outfd);
		snprintf(err, errlen, "%s: %s", serial_path, strerror(-rc));
		return rc;
	}
	/* the stream holds headers and refused entries besides the accepted bytes */
	struct buf b = { .max = (size_t)(lim->max_total_bytes + (uint64_t)(lim->max_files + 64) * 2 * BLOCK) };
	char why[512];
	struct tar_entry *ents = NULL;
	size_t nents = 0;
	int rc = decode_section(f, &b, why, sizeof why);
	if (!rc)
		rc = parse_tar(b.p, b.len, &ents, &nents, why, sizeof why);
	if (rc == -EFBIG)
		rc = -EBADMSG;
	if (rc == -EBADMSG) {
		char kept[PATH_MAX];
		int krc = keep_raw(f, outfd, out_dir, lim->max_total_bytes, kept, sizeof kept);
		/* serial_path is the launcher's scratch file, gone when it exits: name the copy */
		if (krc)
			snprintf(err, errlen, "the results are corrupt: %s (keeping a copy in %s/guest failed: %s)",
				 why, out_dir, strerror(-krc));
		else
			snprintf(err, errlen, "the results are corrupt: %s; the raw stream is kept in %s", why, kept);
	} else if (rc) {
		snprintf(err, errlen, "%s: %s", serial_path, why);
	} else {
		struct importer im = { .lim = lim, .say = say, .ctx = ctx, .out = out_dir, .outfd = outfd, .res = res };
		for (size_t i = 0; i < nents; i++)
			import_entry(&im, &ents[i]);
	}
	free(ents);
	free(b.p);
	fclose(f);
	close(outfd);
	return rc;
}
