-- AlterEnum
ALTER TYPE "ResourceKind" ADD VALUE 'SQL_DATABASE';
