"""Arrears, recoveries and follow-ups as lines of their own kind and month; approvals, payment results,
verification samples and payment complaints. The frozen-payroll triggers of 0002 are dropped around the
schema change (SQLite rebuilds a table to add a column, which would drop them) and created again after."""

import importlib
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_guard = importlib.import_module("ansinh.payments.migrations.0002_frozen_payroll_triggers")


def fill_for_month(apps: Any, schema_editor: Any) -> None:
    apps.get_model("payments", "PayrollLine").objects.filter(for_month__isnull=True).update(
        for_month=models.F("month")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0002_frozen_payroll_triggers'),
        ('programs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_guard.drop, _guard.create),
        migrations.CreateModel(
            name='PaymentComplaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='complaint')),
                ('status', models.CharField(default='open', max_length=16, verbose_name='status')),
                ('opened_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='PaymentResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('paid', 'Paid'), ('failed', 'Not paid')], max_length=8, verbose_name='outcome')),
                ('delivered', models.BigIntegerField(default=0, verbose_name='delivered (VND)')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                ('reference', models.CharField(blank=True, default='', max_length=64, verbose_name='reference')),
                ('reason', models.CharField(blank=True, default='', max_length=200, verbose_name='reason')),
            ],
        ),
        migrations.CreateModel(
            name='PayrollApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='ResultImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=200)),
                ('file_sha256', models.CharField(max_length=64)),
                ('status', models.CharField(default='validated', max_length=16)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('changed', models.PositiveIntegerField(default=0)),
                ('issues', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('committed_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VerificationCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answer', models.CharField(blank=True, choices=[('received', 'Received'), ('received_with_problems', 'Received with problems'), ('not_received', 'Not received')], default='', max_length=24, verbose_name='answer')),
                ('note', models.TextField(blank=True, default='', verbose_name='note')),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='VerificationPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('confidence', models.FloatField(verbose_name='confidence')),
                ('margin', models.FloatField(verbose_name='margin of error')),
                ('seed', models.BigIntegerField(verbose_name='seed')),
                ('sample_size', models.PositiveIntegerField(verbose_name='sample size')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='payrollline',
            name='payments_one_payment_per_person_month',
        ),
        migrations.AddField(
            model_name='payroll',
            name='approvals_needed',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='approvals needed'),
        ),
        migrations.AddField(
            model_name='payroll',
            name='follows',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='payments.payroll', verbose_name='follows payroll'),
        ),
        migrations.AddField(
            model_name='payroll',
            name='kind',
            field=models.CharField(choices=[('regular', 'Monthly payroll'), ('follow_up', 'Follow-up payroll'), ('campaign', 'Campaign payroll')], default='regular', max_length=16, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='payroll',
            name='reason',
            field=models.TextField(blank=True, default='', verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='payrollline',
            name='for_month',
            field=models.DateField(null=True, verbose_name='for month'),
        ),
        migrations.AddField(
            model_name='payrollline',
            name='kind',
            field=models.CharField(choices=[('regular', "Month's allowance"), ('arrears', 'Arrears'), ('recovery', 'Recovery'), ('follow_up', 'Payment of a failed line'), ('gift', 'Gift')], default='regular', max_length=16, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='payrollline',
            name='source_line',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.payrollline'),
        ),
        migrations.AlterField(
            model_name='payrollline',
            name='enrolment',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.enrolment'),
        ),
        migrations.AddConstraint(
            model_name='payrollline',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'paid')), fields=('programme', 'for_month', 'member', 'kind'), name='payments_one_payment_per_person_month_kind'),
        ),
        migrations.AddConstraint(
            model_name='payrollline',
            constraint=models.UniqueConstraint(fields=('source_line', 'kind'), name='payments_source_line_once'),
        ),
        migrations.AddField(
            model_name='paymentcomplaint',
            name='line',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='payments.payrollline'),
        ),
        migrations.AddField(
            model_name='paymentcomplaint',
            name='opened_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='paymentresult',
            name='line',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='result', to='payments.payrollline'),
        ),
        migrations.AddField(
            model_name='paymentresult',
            name='payroll',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='results', to='payments.payroll'),
        ),
        migrations.AddField(
            model_name='payrollapproval',
            name='approver',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='payrollapproval',
            name='payroll',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approvals', to='payments.payroll'),
        ),
        migrations.AddField(
            model_name='resultimport',
            name='created_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='resultimport',
            name='payroll',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='result_imports', to='payments.payroll'),
        ),
        migrations.AddField(
            model_name='paymentresult',
            name='imported',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.resultimport'),
        ),
        migrations.AddField(
            model_name='verificationcheck',
            name='line',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.payrollline'),
        ),
        migrations.AddField(
            model_name='paymentcomplaint',
            name='verification',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaint', to='payments.verificationcheck'),
        ),
        migrations.AddField(
            model_name='verificationplan',
            name='created_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='verificationplan',
            name='payroll',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='verifications', to='payments.payroll'),
        ),
        migrations.AddField(
            model_name='verificationcheck',
            name='plan',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='checks', to='payments.verificationplan'),
        ),
        migrations.AddConstraint(
            model_name='payrollapproval',
            constraint=models.UniqueConstraint(fields=('payroll', 'approver'), name='payments_one_approval_per_user'),
        ),
        migrations.AddConstraint(
            model_name='paymentresult',
            constraint=models.CheckConstraint(condition=models.Q(('delivered__gte', 0)), name='payments_delivered_non_negative'),
        ),
        migrations.AddConstraint(
            model_name='verificationcheck',
            constraint=models.UniqueConstraint(fields=('plan', 'line'), name='payments_one_check_per_line'),
        ),
        migrations.RunPython(fill_for_month, migrations.RunPython.noop),
        migrations.RunPython(_guard.create, _guard.drop),
    ]
