"""The demo's one way of writing: create, or save only what differs (so a second run changes nothing)."""


def upsert(model, values: dict, **lookup):
    """update_or_create that saves (and writes history) only when something differs."""
    obj = model.objects.filter(**lookup).order_by("pk").first()  # pk: no Meta.ordering joins
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj
