"""A lot's members' shares sum to exactly 100%, checked by the database at commit (a deferred
constraint trigger: the members of a consortium are written one row at a time)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION inventory_lot_shares_check() RETURNS trigger AS $$
DECLARE
    lot bigint := COALESCE(NEW.lot_id, OLD.lot_id);
    total numeric;
BEGIN
    SELECT sum(share) INTO total FROM inventory_lotmember WHERE lot_id = lot;
    IF total IS NOT NULL AND total <> 100 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            MESSAGE = format(
                'as participações do lote %s somam %s%%, não 100%%', lot, trim_scale(total)
            );
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER inventory_lotmember_shares_sum_to_100
    AFTER INSERT OR UPDATE OR DELETE ON inventory_lotmember
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION inventory_lot_shares_check();
"""

DROP = """
DROP TRIGGER inventory_lotmember_shares_sum_to_100 ON inventory_lotmember;
DROP FUNCTION inventory_lot_shares_check();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_load_municipalities")]

    operations = [migrations.RunSQL(CREATE, DROP)]
