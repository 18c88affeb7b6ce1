# Polling at scale: shards, a cursor per shard with its links' states in one blob, blind and
# unmeasured periods per shard, and the 5-minute evidence partitioned by month. The last-cycle
# samples are gone: the newest evidence window of a path says the same.

import django.contrib.postgres.constraints
import django.db.models.deletion
import monitoring.models
from django.db import migrations, models

# The SQL function that makes a month's partition of the evidence (America/Sao_Paulo months,
# as billing's), under a lock so that shards racing at a month's turn make it once. The
# services call it; so does this migration for the months already recorded.
PARTITION_FUNCTION = """
CREATE FUNCTION monitoring_pollwindow_partition(month date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := format('monitoring_pollwindow_%s', to_char(first, 'YYYYMM'));
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('monitoring_pollwindow_partition'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF monitoring_pollwindow '
            'FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = 80)',
            name,
            first::timestamp AT TIME ZONE 'America/Sao_Paulo',
            (first + interval '1 month')::timestamp AT TIME ZONE 'America/Sao_Paulo'
        );
    END IF;
END $$;
"""

PARTITIONED_TABLE = """
ALTER TABLE monitoring_pollwindow RENAME TO monitoring_pollwindow_old;
CREATE TABLE monitoring_pollwindow (
    link_id bigint NOT NULL,
    path smallint NOT NULL CHECK (path >= 0),
    start timestamptz NOT NULL,
    echoes_sent integer NOT NULL CHECK (echoes_sent >= 0),
    echoes_received integer NOT NULL CHECK (echoes_received >= 0),
    rtt_sum_us bigint NOT NULL,
    rtt_min_us integer NULL CHECK (rtt_min_us >= 0),
    rtt_max_us integer NULL CHECK (rtt_max_us >= 0),
    polled_cycles bigint NOT NULL,
    failed_cycles bigint NOT NULL,
    last_reply_at timestamptz NULL,
    snmp_at timestamptz NULL,
    uptime_ticks bigint NULL,
    oper_status smallint NULL CHECK (oper_status >= 0),
    high_speed_mbps integer NULL CHECK (high_speed_mbps >= 0),
    in_octets numeric(20, 0) NULL,
    out_octets numeric(20, 0) NULL,
    CONSTRAINT monitoring_pollwindow_pk PRIMARY KEY (link_id, path, start),
    CONSTRAINT monitoring_pollwindow_received_not_above_sent
        CHECK (echoes_received <= echoes_sent)
) PARTITION BY RANGE (start);
"""

OLD_ROWS_MOVED = """
SELECT monitoring_pollwindow_partition(m)
FROM (SELECT DISTINCT date_trunc('month', start AT TIME ZONE 'America/Sao_Paulo')::date AS m
      FROM monitoring_pollwindow_old) months;
INSERT INTO monitoring_pollwindow
    (link_id, path, start, echoes_sent, echoes_received, rtt_sum_us, polled_cycles,
     failed_cycles, snmp_at, uptime_ticks, oper_status, in_octets, out_octets)
SELECT link_id, path, start, echoes_sent, echoes_received, rtt_sum_us, 0, 0, snmp_at,
       uptime_ticks, oper_status, in_octets, out_octets
FROM monitoring_pollwindow_old;
DROP TABLE monitoring_pollwindow_old;
"""


def default_shard(apps, schema_editor):
    PollShard = apps.get_model("monitoring", "PollShard")
    BlindPeriod = apps.get_model("monitoring", "BlindPeriod")
    shard = PollShard.objects.create(name="principal", queue="poll", is_default=True)
    BlindPeriod.objects.update(shard=shard)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
        ("monitoring", "0004_noc_panel"),
    ]

    operations = [
        migrations.CreateModel(
            name="PollShard",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="nome")),
                (
                    "queue",
                    models.CharField(
                        default="poll",
                        help_text="os workers desta fila a medem",
                        max_length=60,
                        verbose_name="fila Celery",
                    ),
                ),
                ("is_default", models.BooleanField(default=False, verbose_name="padrão")),
            ],
            options={
                "verbose_name": "fatia de monitoramento",
                "verbose_name_plural": "fatias de monitoramento",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("is_default",),
                        name="monitoring_pollshard_one_default",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ShardLot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "lot",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="poll_shard",
                        to="inventory.lot",
                    ),
                ),
                (
                    "shard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lots",
                        to="monitoring.pollshard",
                    ),
                ),
            ],
            options={"verbose_name": "lote da fatia", "verbose_name_plural": "lotes da fatia"},
        ),
        # Blind and unmeasured periods belong to a shard.
        migrations.RemoveConstraint(
            model_name="blindperiod", name="monitoring_blindperiod_no_overlap"
        ),
        migrations.AddField(
            model_name="blindperiod",
            name="shard",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="blind_periods",
                to="monitoring.pollshard",
            ),
        ),
        migrations.AddField(
            model_name="blindperiod",
            name="reason",
            field=models.CharField(
                choices=[("blind", "NOC sem visibilidade"), ("no_cycles", "ciclos não executados")],
                default="blind",
                max_length=10,
                verbose_name="motivo",
            ),
        ),
        migrations.RunPython(default_shard, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="blindperiod",
            name="shard",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="blind_periods",
                to="monitoring.pollshard",
            ),
        ),
        migrations.AlterModelOptions(
            name="blindperiod",
            options={
                "ordering": ["start"],
                "verbose_name": "período sem medição",
                "verbose_name_plural": "períodos sem medição",
            },
        ),
        migrations.AddConstraint(
            model_name="blindperiod",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                expressions=[("shard", "="), (monitoring.models.TsTzRange("start", "end"), "&&")],
                name="monitoring_blindperiod_no_overlap",
            ),
        ),
        # A cursor per shard; the links' states in one blob. A shard without a saved state
        # starts from its open outages and blind period (monitoring.services.cycles).
        migrations.DeleteModel(name="LinkEngineState"),
        migrations.DeleteModel(name="EngineCursor"),
        migrations.CreateModel(
            name="EngineCursor",
            fields=[
                (
                    "shard",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="cursor",
                        serialize=False,
                        to="monitoring.pollshard",
                    ),
                ),
                ("last_cycle_id", models.BigIntegerField(null=True)),
                (
                    "network_state",
                    models.JSONField(default=dict, help_text="blindness and recent blind periods"),
                ),
                ("link_states", models.BinaryField(default=b"")),
                (
                    "recorded_at",
                    models.DateTimeField(null=True, verbose_name="último ciclo gravado em"),
                ),
            ],
        ),
        migrations.DeleteModel(name="PathSample"),
        # The evidence, partitioned by month (Django has no partitioned tables: the table is
        # made in SQL, the model's state follows).
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [PARTITIONED_TABLE, PARTITION_FUNCTION, OLD_ROWS_MOVED],
                    reverse_sql=migrations.RunSQL.noop,
                )
            ],
            state_operations=[
                migrations.DeleteModel(name="PollWindow"),
                migrations.CreateModel(
                    name="PollWindow",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "link_id",
                                "path",
                                "start",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        (
                            "link",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="poll_windows",
                                to="inventory.link",
                            ),
                        ),
                        ("path", models.PositiveSmallIntegerField(default=0)),
                        ("start", models.DateTimeField(verbose_name="início da janela")),
                        (
                            "echoes_sent",
                            models.PositiveIntegerField(default=0, verbose_name="ecos enviados"),
                        ),
                        (
                            "echoes_received",
                            models.PositiveIntegerField(default=0, verbose_name="ecos respondidos"),
                        ),
                        (
                            "rtt_sum_us",
                            models.BigIntegerField(
                                default=0,
                                help_text="dividida pelos ecos respondidos: média",
                                verbose_name="soma das latências (µs)",
                            ),
                        ),
                        (
                            "rtt_min_us",
                            models.PositiveIntegerField(
                                null=True, verbose_name="menor latência (µs)"
                            ),
                        ),
                        (
                            "rtt_max_us",
                            models.PositiveIntegerField(
                                null=True, verbose_name="maior latência (µs)"
                            ),
                        ),
                        (
                            "polled_cycles",
                            models.BigIntegerField(
                                default=0,
                                help_text="bit n: o n-ésimo ciclo da janela enviou ecos",
                                verbose_name="ciclos medidos",
                            ),
                        ),
                        (
                            "failed_cycles",
                            models.BigIntegerField(
                                default=0,
                                help_text="bit n: nenhum eco do n-ésimo ciclo voltou",
                                verbose_name="ciclos falhos",
                            ),
                        ),
                        (
                            "last_reply_at",
                            models.DateTimeField(null=True, verbose_name="última resposta"),
                        ),
                        (
                            "snmp_at",
                            models.DateTimeField(null=True, verbose_name="leitura SNMP em"),
                        ),
                        (
                            "uptime_ticks",
                            models.BigIntegerField(
                                null=True, verbose_name="sysUpTime (centésimos de s)"
                            ),
                        ),
                        (
                            "oper_status",
                            models.PositiveSmallIntegerField(
                                null=True, verbose_name="ifOperStatus"
                            ),
                        ),
                        (
                            "high_speed_mbps",
                            models.PositiveIntegerField(
                                null=True, verbose_name="ifHighSpeed (Mbps)"
                            ),
                        ),
                        (
                            "in_octets",
                            models.DecimalField(decimal_places=0, max_digits=20, null=True),
                        ),
                        (
                            "out_octets",
                            models.DecimalField(decimal_places=0, max_digits=20, null=True),
                        ),
                    ],
                    options={
                        "verbose_name": "janela de medição",
                        "verbose_name_plural": "janelas de medição",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("echoes_received__lte", models.F("echoes_sent"))
                                ),
                                name="monitoring_pollwindow_received_not_above_sent",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
