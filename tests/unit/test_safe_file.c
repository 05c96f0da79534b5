/* bench/common/safe_file.c: no write through a link, into a shared file or a non-file; whole
 * files or none; leftovers of killed writers swept. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "common/safe_file.h"
#include "common/util.h"

static char dir[64];

static const char *at(const char *name)
{
	static char p[4][160];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static char *slurp(const char *path)
{
	return read_regular_file(path, 1 << 20, NULL, NULL, 0);
}

void test_safe_file(void)
{
	snprintf(dir, sizeof dir, "/tmp/wc-safe.XXXXXX");
	if (!mkdtemp(dir)) {
		CHECK(0, "safe_file: a scratch directory");
		return;
	}
	char err[512];
	/* the victim: a file outside the directory, reached by a symlink and by a hard link */
	char victim[96];
	snprintf(victim, sizeof victim, "%s.victim", dir);
	write_file(victim, "precious\n", 9);
	symlink(victim, at("sym.csv"));
	link(victim, at("hard.csv"));

	int fd = safe_open(at("sym.csv"), O_WRONLY | O_APPEND, 0, err, sizeof err);
	CHECK(fd == -ELOOP && strstr(err, "is a symbolic link"), "safe_open refuses a symlink for writing: %s", err);
	fd = safe_open(at("sym.csv"), O_RDONLY, 0, err, sizeof err);
	CHECK(fd == -ELOOP, "safe_open refuses a symlink for reading too (%d)", fd);
	fd = safe_open(at("hard.csv"), O_WRONLY | O_TRUNC, 0, err, sizeof err);
	CHECK(fd == -EMLINK && strstr(err, "2 hard links"), "safe_open refuses a file with another hard link: %s", err);
	char *v = slurp(victim);
	CHECK(v && !strcmp(v, "precious\n"), "O_TRUNC was not applied before the link check (victim intact)");
	free(v);
	mkfifo(at("fifo"), 0600);
	fd = safe_open(at("fifo"), O_RDONLY, 0, err, sizeof err);
	CHECK(fd == -EINVAL && strstr(err, "not a regular file"), "a FIFO is refused at once, not waited on: %s", err);
	fd = safe_open(at("fifo"), O_WRONLY, 0, err, sizeof err);
	CHECK(fd == -EINVAL, "a FIFO without a reader is refused for writing (%d)", fd);

	/* whole files: a link at the name is replaced, not followed */
	int rc = safe_write_whole(at("sym.csv"), "new\n", 4, err, sizeof err);
	struct stat st;
	v = slurp(victim);
	CHECK(!rc && v && !strcmp(v, "precious\n") && !lstat(at("sym.csv"), &st) && S_ISREG(st.st_mode),
	      "safe_write_whole replaces a symlink at the name and leaves its target alone (rc %d)", rc);
	free(v);
	rc = safe_write_whole(at("hard.csv"), "new\n", 4, err, sizeof err);
	v = slurp(victim);
	CHECK(!rc && v && !strcmp(v, "precious\n"), "safe_write_whole over a hard link leaves the other path's file alone");
	free(v);
	mkdir(at("adir"), 0700);
	rc = safe_write_whole(at("adir"), "x", 1, err, sizeof err);
	char adir_tmp[64];
	snprintf(adir_tmp, sizeof adir_tmp, "adir.tmp.%ld", (long)getpid());
	CHECK(rc == -EISDIR && access(at(adir_tmp), F_OK), "a directory at the name is refused, no temporary file left (%d: %s)", rc, err);

	struct safe_whole w;
	rc = safe_whole_open(&w, at("fig.png"), err, sizeof err);
	CHECK(!rc && access(at("fig.png"), F_OK) != 0, "safe_whole_open writes a temporary file, not the name itself");
	if (!rc) {
		write_all(w.fd, "half", 4);
		safe_whole_abort(&w);
	}
	CHECK(access(at("fig.png"), F_OK) && errno == ENOENT, "an aborted whole file leaves nothing behind");

	/* leftovers: a dead pid's NAME.tmp.N and NAME.upgrade.N go, a live one's and other names stay */
	write_file(at("metadata.json.tmp.999999999"), "x", 1);
	write_file(at("results.csv.upgrade.999999998"), "x", 1);
	char live[64];
	snprintf(live, sizeof live, "verdict.json.tmp.%ld", (long)getppid());
	write_file(at(live), "x", 1);
	write_file(at("notes.tmp.txt"), "x", 1);
	int n = safe_sweep_leftovers(dir, false);
	CHECK(n == 2 && access(at("metadata.json.tmp.999999999"), F_OK) && !access(at(live), F_OK) &&
		      !access(at("notes.tmp.txt"), F_OK),
	      "safe_sweep_leftovers removes dead writers' leftovers only (%d removed)", n);
	n = safe_sweep_leftovers(dir, true);
	CHECK(n == 1 && access(at(live), F_OK), "under the directory's lock every leftover goes (%d)", n);

	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, victim);
	if (system(cmd)) {
	}
}
