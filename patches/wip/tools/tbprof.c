// QEMU (7.2, plugin API 1) TCG plugin: instructions executed per
// translation-block start address, kernel addresses only; dumped at exit
// as "vaddr count" lines to the file named by out=. Only the few API
// calls it needs are declared (Debian ships no qemu-plugin.h).
//   gcc -O2 -shared -fPIC -fvisibility=hidden -o tbprof.so tbprof.c
//   QEMU_PLUGIN=$PWD/tbprof.so,out=/tmp/on1.out ICOUNT=1 SMP=1 \
//     APPEND=... scripts/run.sh --cmd-file F
// Two boots per side (without and with N operations), then
// tbprof-cmp.awk: the difference per symbol, per operation.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stddef.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct { const char *t; struct { int min, cur; } v; bool s; int a, b; } qemu_info_t;
__attribute__((visibility("default"))) int qemu_plugin_version = 1;
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, int, void *, uint64_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, void *), void *);

#define HB (1u << 22)
struct ent { uint64_t va, n; };
static struct ent *tab;
static const char *out = "/tmp/tbprof.out";

static struct ent *lookup(uint64_t va)
{
	uint64_t h = (va * 0x9E3779B97F4A7C15ull) >> 42;

	for (;;) {
		struct ent *e = &tab[h & (HB - 1)];

		if (e->va == va || !e->va) {
			e->va = va;
			return e;
		}
		h++;
	}
}

static void trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);

	if (va < 0xffff800000000000ull)
		return;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, 0, &lookup(va)->n,
						 qemu_plugin_tb_n_insns(tb));
}

static void fin(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(out, "w");

	for (unsigned int i = 0; i < HB; i++)
		if (tab[i].n)
			fprintf(f, "%llx %llu\n", (unsigned long long)tab[i].va,
				(unsigned long long)tab[i].n);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
	tab = calloc(HB, sizeof(*tab));
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans);
	qemu_plugin_register_atexit_cb(id, fin, NULL);
	return 0;
}
