from django_tasks import task


@task()
def build_certificate_batch(batch_id: int) -> int:
    from .services import certificate_batch_build

    return certificate_batch_build(batch_id=batch_id).done


@task()
def generate_certificates(template_id: int) -> str:
    from .services import certificates_generate_run

    return certificates_generate_run(template_id=template_id).generation_message
