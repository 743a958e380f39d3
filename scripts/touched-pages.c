// Which file-backed pages a process really touches, page by page: an LD_PRELOAD diagnostic for
// scripts/idle-pages (not part of Tattle).
//
// The kernel maps file pages in fault-around windows (64 KB by default), so RSS counts the whole window
// around every page that code runs or reads. With TOUCHED_PAGES=1 this library revokes access to every
// read-only file mapping (except libc, ld.so, libgcc and itself) before main; each first touch of a
// page then faults, and the handler records the page and gives access back to that page alone.
// mprotect splits the mapping into one-page pieces, so nothing is faulted around any more.
// Every malloc_trim call (tattle-bench's memory children make one before each sample) writes
// $TOUCHED_PAGES_DIR/smaps.PID.N (a copy of /proc/self/smaps) and, with TOUCHED_PAGES=1,
// $TOUCHED_PAGES_DIR/touched.PID.N (the mappings and the pages touched so far).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_REGIONS 512
#define MAX_PAGES (1 << 20)

static struct {
    uintptr_t low, high, offset;
    char permissions[5];
    char name[128];
} regions[MAX_REGIONS];
static int region_count;
static uintptr_t *pages;
static long page_count;
static int dumps;

static void on_fault(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t page = (uintptr_t)info->si_addr & ~(uintptr_t)4095;
    for (int index = 0; index < region_count; index++) {
        if (page < regions[index].low || page >= regions[index].high) continue;
        int protection = PROT_READ | (regions[index].permissions[2] == 'x' ? PROT_EXEC : 0);
        syscall(SYS_mprotect, (void *)page, 4096, protection);
        long slot = __atomic_fetch_add(&page_count, 1, __ATOMIC_SEQ_CST);
        if (slot < MAX_PAGES) pages[slot] = page;
        return;
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

__attribute__((constructor(65535))) static void start(void) {
    if (!getenv("TOUCHED_PAGES_DIR") || !getenv("TOUCHED_PAGES")) return;
    pages = mmap(0, MAX_PAGES * sizeof(uintptr_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, 0);
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[1024];
    while (maps && fgets(line, sizeof line, maps) && region_count < MAX_REGIONS) {
        uintptr_t low, high, offset;
        char permissions[5], path[800] = "";
        if (sscanf(line, "%lx-%lx %4s %lx %*s %*s %799s", &low, &high, permissions, &offset, path) < 4) continue;
        if (path[0] != '/' || permissions[1] == 'w') continue;
        if (strstr(path, "/libc.so") || strstr(path, "/ld-linux") || strstr(path, "/libgcc_s") || strstr(path, "touched-pages"))
            continue;
        regions[region_count].low = low;
        regions[region_count].high = high;
        regions[region_count].offset = offset;
        memcpy(regions[region_count].permissions, permissions, 5);
        const char *base = strrchr(path, '/');
        snprintf(regions[region_count].name, sizeof regions[region_count].name, "%s", base + 1);
        region_count++;
    }
    if (maps) fclose(maps);
    for (int index = 0; index < region_count; index++)
        mprotect((void *)regions[index].low, regions[index].high - regions[index].low, PROT_NONE);
}

int malloc_trim(size_t pad) {
    static int (*real)(size_t);
    if (!real) real = (int (*)(size_t))dlsym(RTLD_NEXT, "malloc_trim");
    int result = real(pad);
    const char *directory = getenv("TOUCHED_PAGES_DIR");
    if (!directory) return result;
    char path[1024], buffer[65536];
    snprintf(path, sizeof path, "%s/smaps.%d.%d", directory, (int)getpid(), dumps);
    FILE *in = fopen("/proc/self/smaps", "r"), *copy = fopen(path, "w");
    size_t length;
    while (in && copy && (length = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, length, copy);
    if (in) fclose(in);
    if (copy) fclose(copy);
    snprintf(path, sizeof path, "%s/touched.%d.%d", directory, (int)getpid(), dumps++);
    if (!pages) return result;
    FILE *out = fopen(path, "w");
    if (!out) return result;
    long count = page_count < MAX_PAGES ? page_count : MAX_PAGES;
    for (int index = 0; index < region_count; index++)
        fprintf(out, "R %lx %lx %lx %s %s\n", regions[index].low, regions[index].high, regions[index].offset,
            regions[index].permissions, regions[index].name);
    for (long index = 0; index < count; index++) fprintf(out, "P %lx\n", pages[index]);
    fclose(out);
    return result;
}
